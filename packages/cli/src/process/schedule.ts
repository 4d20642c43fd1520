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
export async function schedule(
  memoryMb: readonly number[],
  limits: { jobs: number; budgetMb: number; abort: AbortController },
  run: (index: number) => Promise<void>,
): Promise<void> {
  const pending = memoryMb.map((_, i) => i);
  let running = 0;
  let used = 0;
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if ((failure || !pending.length) && !running) {
        resolve();
        return;
      }
      if (failure) return;
      for (let k = 0; k < pending.length && running < limits.jobs; ) {
        const index = pending[k]!;
        if (running && used + memoryMb[index]! > limits.budgetMb) {
          k++;
          continue;
        }
        pending.splice(k, 1);
        running++;
        used += memoryMb[index]!;
        run(index)
          .catch((error: unknown) => {
            if (!failure) failure = { error };
            limits.abort.abort();
          })
          .finally(() => {
            running--;
            used -= memoryMb[index]!;
            pump();
          });
      }
    };
    pump();
  });
  if (failure) throw failure.error;
}
