import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { cacheDigest, writeFileReplacing } from "@protoship/fs-safe";
import { bufBinaryStamp } from "../buf/run-buf.js";
import { CACHE_DIR } from "../fs/cache-dir.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { gitIgnores } from "../git/files.js";
import type { SideTree } from "../snapshot/file-set.js";
import { type BufReach, visibleToBuf } from "../snapshot/revision-tree.js";
import { protoshipVersion } from "../version.js";

/**
 * Everything that decides the bytes of a base image `buf build` writes: the base commit (its
 * tree), what its overlay hides or borrows, the folder buf runs in and its exact arguments.
 */
export interface BaseImageInputs {
  sha: string;
  /** The workspace folder (repository path) buf runs in. */
  cwd: string;
  /** buf build's arguments (flags and --path targets). */
  args: readonly string[];
  /**
   * What the overlay hides from buf: the working tree's ignored entries and links, of which those
   * in the folders buf reads (`within`, module roots less their excludes; undefined: all) and present in the base's
   * tree count (hiding what the base does not hold changes nothing buf reads).
   */
  hidden: { entries: readonly string[]; within: readonly BufReach[] | undefined; baseTree: SideTree };
  /** buf configuration borrowed from HEAD by a base without one (file → bytes). */
  borrowed: ReadonlyMap<string, Uint8Array> | undefined;
}

/** Entries are `check-base-<key>.binpb` in {@link CACHE_DIR}: generate's image cache (`image-*`) never takes them for its own. */
const PREFIX = "check-base-";
const SUFFIX = ".binpb";
/** 2: entries written before the base kept its own file at a path the working tree holds untracked are not trusted. */
const MAGIC = "protoship-check-base 2\n";
/** How many base images are kept (the most recently written). */
export const BASE_IMAGES_KEPT = 8;

/** The cache key of a base image: its inputs, buf's binary and protoship's version. */
export async function baseImageKey(inputs: BaseImageInputs): Promise<string> {
  const borrowed = [...(inputs.borrowed ?? [])].map(([file, bytes]) => [file, createHash("sha256").update(bytes).digest("hex")]);
  const { entries, within, baseTree } = inputs.hidden;
  const hidden = entries.filter((e) => visibleToBuf(e, within) && baseTree.resolve(e) !== undefined).sort();
  const { sha, cwd, args } = inputs;
  const parts = { sha, cwd, args, within, hidden, borrowed, buf: await bufBinaryStamp(), protoship: protoshipVersion() };
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/**
 * The base image cached under `key`, or undefined: no entry, or one that does not prove its content
 * (its header's key or the digest of key and image does not match). A cache: never an error.
 */
export async function readBaseImage(root: string, key: string): Promise<Buffer | undefined> {
  try {
    // Read at once: the check waits for it before buf breaking starts.
    const bytes = readFileSync(path.join(cacheDir(root), `${PREFIX}${key}${SUFFIX}`));
    const headerEnd = bytes.indexOf(10, MAGIC.length);
    if (headerEnd < 0 || bytes.subarray(0, MAGIC.length).toString() !== MAGIC) return undefined;
    const header = JSON.parse(bytes.subarray(MAGIC.length, headerEnd).toString("utf8")) as { key?: unknown; digest?: unknown } | null;
    const image = bytes.subarray(headerEnd + 1);
    return header?.key === key && header.digest === cacheDigest(key, image) ? image : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Caches `image` under `key` when git ignores the entry (never a file that could be committed),
 * through a temporary file and a rename, then removes the base images beyond the
 * {@link BASE_IMAGES_KEPT} most recent: only entries this function wrote. Best effort.
 */
export async function writeBaseImage(root: string, key: string, image: Uint8Array): Promise<void> {
  try {
    const name = `${PREFIX}${key}${SUFFIX}`;
    if (!(await gitIgnores(root, `${CACHE_DIR}/${name}`))) return;
    const dir = cacheDir(root);
    await mkdir(dir, { recursive: true });
    const header = Buffer.from(`${MAGIC}${JSON.stringify({ key, digest: cacheDigest(key, image) })}\n`);
    await writeFileReplacing(path.join(dir, name), Buffer.concat([header, image]), path.join(dir, `${name}.tmp-${process.pid}`));
    const ours = (await readdir(dir)).filter((f) => /^check-base-[0-9a-f]{64}\.binpb$/.test(f));
    const dated = await Promise.all(ours.map(async (f) => ({ f, at: (await stat(path.join(dir, f))).mtimeMs })));
    const stale = dated.sort((a, b) => b.at - a.at).slice(BASE_IMAGES_KEPT);
    await Promise.all(stale.map(({ f }) => rm(path.join(dir, f), { force: true })));
  } catch {
    // A cache: the check does not depend on it.
  }
}

/** The cache folder, refused (thrown, and so skipped by the callers) when a symlink would take it out of the repository. */
function cacheDir(root: string): string {
  return resolveRepoPath(root, CACHE_DIR, { label: "the base image cache" });
}
