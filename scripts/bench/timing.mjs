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

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = (s) => `${s.toFixed(3)} s`;
export const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
