import type { ProtoshipConfig } from "../config/schema.js";

/** A GitHub Actions matrix of `protoship generate --shard` values, for `strategy.matrix: ${{ fromJSON(...) }}`. */
export interface ShardMatrix {
  shard: string[];
}

/**
 * One job (`1/1`, the whole repository) up to `ci.shardAbove` stub packages; above it,
 * `ci.shards` jobs `1/n` … `n/n` (never more jobs than packages).
 */
export function shardMatrix(packageCount: number, ci: ProtoshipConfig["ci"]): ShardMatrix {
  const n = packageCount > ci.shardAbove ? Math.min(ci.shards, packageCount) : 1;
  return { shard: Array.from({ length: n }, (_, i) => `${i + 1}/${n}`) };
}
