import { fromBinary } from "@bufbuild/protobuf";
import { cacheDigest, writeFileReplacing } from "@protoship/fs-safe";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { SchemaImage } from "../schema/load-image.js";
import { CACHE_DIR } from "../fs/cache-dir.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { encodedFileSet } from "./encoded-file.js";

/** Where generate keeps the compiled image of the stub packages' files between runs ({@link CACHE_DIR}). */
export const IMAGE_CACHE_DIR = CACHE_DIR;
const PREFIX = "image-";
const SUFFIX = ".binpb";
/** Version 2: the header holds the key and a digest of the entry (version 1 trusted the file name). */
const MAGIC = "protoship-image 2\n";

/**
 * The image cached under `key` (a hash of every input of the compile: {@link imageKey}), or
 * undefined: none, another key, or a file that does not prove its content (a cache: never an
 * error). An entry holds its key and a SHA-256 of the key, the file list and the image; a file
 * whose key or digest does not match (another schema's image copied over it, a restore-keys
 * fallback, a truncated write) is a miss, and the caller compiles and rewrites it.
 * So the buf compile of a large module (22 s for google-proto-files) runs once per change of the
 * protos, not once per command: `generate --shard` then `--list-shards` in one CI job, or each
 * shard of a matrix that restored the cache of the job that planned it.
 */
export async function readImageCache(root: string, key: string): Promise<SchemaImage | undefined> {
  try {
    const bytes = await readFile(path.join(cacheDir(root), `${PREFIX}${key}${SUFFIX}`));
    const headerEnd = bytes.indexOf(10, MAGIC.length);
    if (bytes.subarray(0, MAGIC.length).toString() !== MAGIC || headerEnd < 0) return undefined;
    const header = JSON.parse(bytes.subarray(MAGIC.length, headerEnd).toString("utf8")) as Partial<Header> | null;
    const ownFiles = header?.ownFiles;
    if (!Array.isArray(ownFiles) || !ownFiles.every((f) => typeof f === "string")) return undefined;
    const body = bytes.subarray(headerEnd + 1);
    if (header?.key !== key || header.digest !== entryDigest(key, ownFiles, body)) return undefined;
    const { file } = fromBinary(FileDescriptorSetSchema, body);
    return { files: file, ownFiles: new Set(ownFiles) };
  } catch {
    return undefined;
  }
}

/** The header line of a cache entry. */
interface Header {
  key: string;
  /** {@link entryDigest} of the entry. */
  digest: string;
  ownFiles: string[];
}

/** The digest of what an entry says ({@link cacheDigest}): its key, the module's own files and the image's bytes. */
function entryDigest(key: string, ownFiles: readonly string[], body: Uint8Array): string {
  return cacheDigest([key, ownFiles], body);
}

/**
 * Caches `image` under `key` (through a temporary file and a rename, so a reader never sees half
 * of it) and removes the images cached under other keys, all of them files this function wrote.
 * Best effort: a cache that cannot be written (read-only checkout, a node_modules symlink leaving
 * the repository) is skipped.
 */
export async function writeImageCache(root: string, key: string, image: SchemaImage): Promise<void> {
  try {
    const dir = cacheDir(root);
    await mkdir(dir, { recursive: true });
    const name = `${PREFIX}${key}${SUFFIX}`;
    const ownFiles = [...image.ownFiles].sort();
    const body = encodedFileSet(image.files);
    const fields: Header = { key, digest: entryDigest(key, ownFiles, body), ownFiles };
    const header = Buffer.from(`${MAGIC}${JSON.stringify(fields)}\n`);
    await writeFileReplacing(path.join(dir, name), Buffer.concat([header, body]), path.join(dir, `${name}.tmp-${process.pid}`));
    const stale = (await readdir(dir)).filter(
      (f) => f.startsWith(PREFIX) && f !== name && (f.endsWith(SUFFIX) || f.includes(`${SUFFIX}.tmp-`)),
    );
    await Promise.all(stale.map((f) => rm(path.join(dir, f), { force: true })));
  } catch {
    // A cache: generation does not depend on it.
  }
}

/** The cache folder, refused (thrown, and so skipped by the callers) when a symlink would take it out of the repository. */
function cacheDir(root: string): string {
  return resolveRepoPath(root, IMAGE_CACHE_DIR, { label: "the image cache" });
}
