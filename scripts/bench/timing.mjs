// Wall-clock timing of whole commands, the way a user experiences them.
import { spawnSync } from "node:child_process";

/** Runs `cmd args` `runs` times (after one warm-up) and returns the times in seconds. */
export function timeCommand(cmd, args, { cwd, input, runs = 5, warmup = 1, env } = {}) {
  const times = [];
  let last;
  for (let i = 0; i < warmup + runs; i++) {
    const start = process.hrtime.bigint();
    last = spawnSync(cmd, args, { cwd, input: input ?? "", encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, ...env } });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (i >= warmup) times.push(seconds);
  }
  return { times, median: median(times), last };
}

/**
 * Times several commands round-robin (A B C, A B C, …) after one warm-up round, so that the
 * machine's state (page cache reclaimed between runs, background load) weighs on each alike.
 * `commands` maps a name to `{ cmd, args, before, ...options }` (`before`, if any, runs untimed
 * before each of that command's runs); returns the same shape as timeCommand per name.
 */
export function timeInterleaved(commands, { runs = 5, warmup = 1 } = {}) {
  const results = Object.fromEntries(Object.keys(commands).map((name) => [name, { times: [], last: undefined }]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, { cmd, args, before, ...options }] of Object.entries(commands)) {
      before?.();
      const one = timeCommand(cmd, args, { ...options, runs: 1, warmup: 0 });
      results[name].last = one.last;
      if (i >= warmup) results[name].times.push(one.times[0]);
    }
  }
  for (const result of Object.values(results)) result.median = median(result.times);
  return results;
}

/**
 * Returns `result` when its last run exited `expected`, else throws with the command's stderr: a
 * command that failed early would otherwise be reported as fast.
 */
export function expectExit(result, what, expected = 0) {
  if (result.last.status !== expected)
    throw new Error(`${what}: exit ${result.last.status}, expected ${expected}\n${(result.last.stderr ?? "").slice(-2000)}`);
  return result;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = (s) => `${s.toFixed(3)} s`;
export const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
