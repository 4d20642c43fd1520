import { ConfigError } from "../errors.js";

/** `--shard i/n`: this run's share (1-based `index`) of `count` deterministic shards. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (integers, 1 ≤ i ≤ n); anything else is a one-line ConfigError (exit 2). */
export function parseShard(text: string, flag = "--shard"): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || count < 1 || index > count) {
    throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected i/n with integers 1 ≤ i ≤ n, e.g. 1/4`);
  }
  return { index, count };
}

/** Parses a positive integer flag value (`--jobs 4`, `--list-shards 4`); else a one-line ConfigError (exit 2). */
export function parsePositiveInteger(text: string, flag: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected a positive integer`);
  return value;
}
