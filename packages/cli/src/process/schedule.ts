/** How many tasks may run at once, within which memory, and what the first failure aborts. */
export interface ScheduleLimits {
  jobs: number;
  budgetMb: number;
  abort: AbortController;
}

/**
 * Runs `run(i)` for every task, at most `jobs` at once and, while one runs, only as many as fit
 * `budgetMb` together (by `memoryMb[i]`); tasks start in index order, a later one first when an
 * earlier one does not fit yet (so a task heavier than the budget runs alone). The first failure
 * aborts `abort`, starts nothing more and, once the running tasks ended, is thrown.
 *
 * @example
 * // 0 and 1 would need 3,000 MiB together: 0 runs with 2, then 1.
 * await schedule([1500, 1500, 300], { jobs: 2, budgetMb: 2048, abort: new AbortController() }, (i) => work(i));
 */
export async function schedule(memoryMb: readonly number[], limits: ScheduleLimits, run: (index: number) => Promise<void>): Promise<void> {
  const slots = new Slots(limits);
  for (const [index, mb] of memoryMb.entries()) slots.add(mb, () => run(index));
  await slots.idle();
}

/**
 * {@link schedule}'s rules for tasks that arrive while others run (a plugin batch's formatting,
 * queued when the batch returns, shares the slots of the batches still running): tasks start in
 * the order they were added, within `jobs` and `budgetMb`; the first failure aborts `abort` and
 * starts nothing more.
 */
export class Slots {
  readonly #limits: ScheduleLimits;
  readonly #pending: { memoryMb: number; run: () => Promise<void> }[] = [];
  #running = 0;
  #used = 0;
  #failure: { error: unknown } | undefined;
  #waiting: (() => void)[] = [];

  constructor(limits: ScheduleLimits) {
    this.#limits = limits;
  }

  /** What the first failure aborts. */
  get signal(): AbortSignal {
    return this.#limits.abort.signal;
  }

  /** Queues `run`, expected to take `memoryMb`; it starts when it fits (its failure is {@link idle}'s to throw). */
  add(memoryMb: number, run: () => Promise<void>): void {
    if (this.#failure) return;
    this.#pending.push({ memoryMb, run });
    this.#pump();
  }

  /**
   * Resolves once no task runs or waits (a task that adds others before it ends keeps it waiting
   * for them); after a failure, once the running tasks ended, rejects with the first failure.
   */
  async idle(): Promise<void> {
    if (this.#running || (this.#pending.length && !this.#failure)) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (this.#failure) throw this.#failure.error;
  }

  #pump(): void {
    if (!this.#running && (this.#failure || !this.#pending.length)) {
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const resolve of waiting) resolve();
      return;
    }
    if (this.#failure) return;
    const { jobs, budgetMb, abort } = this.#limits;
    for (let k = 0; k < this.#pending.length && this.#running < jobs; ) {
      const task = this.#pending[k]!;
      if (this.#running && this.#used + task.memoryMb > budgetMb) {
        k++;
        continue;
      }
      this.#pending.splice(k, 1);
      this.#running++;
      this.#used += task.memoryMb;
      task
        .run()
        .catch((error: unknown) => {
          if (!this.#failure) this.#failure = { error };
          abort.abort();
        })
        .finally(() => {
          this.#running--;
          this.#used -= task.memoryMb;
          this.#pump();
        });
    }
  }
}
