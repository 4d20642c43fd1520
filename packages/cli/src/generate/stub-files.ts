import { MARKER } from "@protoship/fs-safe";
import type { Shard } from "./shard.js";

/**
 * The names generate's output is made of, in one place: what a package folder holds besides the
 * generated files, and the stamp beside the folders.
 */

/** The marker every generated package folder holds (written by @protoship/fs-safe's swap). */
export { MARKER };

/** The owner in a stub package's {@link MARKER}: only such folders are replaced or pruned. */
export const STUBS_OWNER = "protoship generate";

/**
 * Folders inside a package that belong to the developer's machine or to its build, not to the
 * generator: carried over into a regenerated package (its build script replaces dist/ itself),
 * never compared by `generate --check`.
 */
export const NOT_GENERATED: readonly string[] = ["node_modules", "dist", ".turbo"];

/** Whether a file of a package folder (relative to it, `/`-separated) lies in a {@link NOT_GENERATED} folder. */
export function isNotGenerated(file: string): boolean {
  return NOT_GENERATED.some((folder) => file.startsWith(`${folder}/`));
}

/**
 * `<outDir>/.protoship-stamp.json`: what the last full generation was made from (see stamp.ts).
 * A shard keeps its own, for its packages only (`.protoship-stamp.shard-1-of-4.json`), so shards
 * that share a folder never take each other's record for their own.
 */
export function stampName(shard: Shard | undefined): string {
  return shard ? `.protoship-stamp.shard-${shard.index}-of-${shard.count}.json` : ".protoship-stamp.json";
}
