import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { schedule } from "../src/process/schedule.js";

/** Runs schedule with tasks that end when the test says; records starts and the peak of running memory. */
function harness(memoryMb: number[], limits: { jobs: number; budgetMb: number }) {
  const started: number[] = [];
  const finish = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let running = 0;
  let peakMb = 0;
  let peakJobs = 0;
  const abort = new AbortController();
  const done = schedule(memoryMb, { ...limits, abort }, (i) => {
    started.push(i);
    running += memoryMb[i]!;
    peakMb = Math.max(peakMb, running);
    peakJobs = Math.max(peakJobs, finish.size + 1);
    return new Promise<void>((resolve, reject) => finish.set(i, { resolve, reject })).finally(() => {
      running -= memoryMb[i]!;
      finish.delete(i);
    });
  });
  const tick = () => new Promise((r) => setImmediate(r));
  return { started, finish, done, abort, tick, peak: () => ({ peakMb, peakJobs }) };
}

describe("schedule: jobs and a memory budget", () => {
  test("runs at most `jobs` at once, in order", async () => {
    const h = harness([100, 100, 100, 100], { jobs: 2, budgetMb: 10_000 });
    await h.tick();
    assert.deepEqual(h.started, [0, 1]);
    h.finish.get(1)!.resolve();
    await h.tick();
    assert.deepEqual(h.started, [0, 1, 2]);
    for (const i of [0, 2]) h.finish.get(i)!.resolve();
    await h.tick();
    h.finish.get(3)!.resolve();
    await h.done;
    assert.deepEqual(h.started, [0, 1, 2, 3]);
    assert.equal(h.peak().peakJobs, 2);
  });

  test("a task that does not fit waits while lighter ones run beside the heavy one; one over the budget runs alone", async () => {
    const h = harness([3000, 1500, 1500, 300], { jobs: 2, budgetMb: 2048 });
    await h.tick();
    assert.deepEqual(h.started, [0], "over the budget: alone");
    h.finish.get(0)!.resolve();
    await h.tick();
    assert.deepEqual(h.started, [0, 1, 3], "2 does not fit beside 1; 3 does");
    h.finish.get(3)!.resolve();
    await h.tick();
    assert.deepEqual(h.started, [0, 1, 3]);
    h.finish.get(1)!.resolve();
    await h.tick();
    h.finish.get(2)!.resolve();
    await h.done;
    assert.deepEqual(h.started, [0, 1, 3, 2]);
    assert.equal(h.peak().peakMb, 3000);
  });

  test("the first failure aborts, starts nothing more, and is thrown once the running tasks ended", async () => {
    const h = harness([100, 100, 100], { jobs: 2, budgetMb: 10_000 });
    await h.tick();
    h.finish.get(0)!.reject(new Error("boom"));
    await h.tick();
    assert.equal(h.abort.signal.aborted, true);
    assert.deepEqual(h.started, [0, 1]);
    let settled = false;
    void h.done.catch(() => (settled = true));
    await h.tick();
    assert.equal(settled, false, "waits for the running task");
    h.finish.get(1)!.resolve();
    await assert.rejects(h.done, /boom/);
    assert.deepEqual(h.started, [0, 1]);
  });
});
