import { MAX_SHARDS } from "../config/defaults.js";
import { ConfigError } from "../errors.js";

/** `--shard i/n`: this run's share (1-based `index`) of `count` deterministic shards. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `i/n` (integers, 1 ≤ i ≤ n ≤ {@link MAX_SHARDS}); anything else is a one-line ConfigError
 * (exit 2). More shards than packages is allowed (the extra shards are empty).
 */
export function parseShard(text: string, flag = "--shard"): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || count < 1 || index > count) {
    throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected i/n with integers 1 ≤ i ≤ n, e.g. 1/4`);
  }
  refuseTooManyShards(count, text, flag);
  return { index, count };
}

/** Parses a shard count (`--list-shards 4`): a positive integer up to {@link MAX_SHARDS}; else a one-line ConfigError (exit 2). */
export function parseShardCount(text: string, flag: string): number {
  const count = parsePositiveInteger(text, flag);
  refuseTooManyShards(count, text, flag);
  return count;
}

function refuseTooManyShards(count: number, text: string, flag: string): void {
  if (count > MAX_SHARDS)
    throw new ConfigError(
      `${flag} ${JSON.stringify(text)}: at most ${MAX_SHARDS} shards (a GitHub Actions matrix runs at most ${MAX_SHARDS} jobs)`,
    );
}

/** Parses a positive integer flag value (`--jobs 4`, `--list-shards 4`); else a one-line ConfigError (exit 2). */
export function parsePositiveInteger(text: string, flag: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected a positive integer`);
  return value;
}
