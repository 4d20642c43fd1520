import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { cacheDigest, writeFileReplacing } from "@protoship/fs-safe";
import { CACHE_DIR } from "../fs/cache-dir.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { gitIgnores } from "../git/files.js";
import { protoshipVersion } from "../version.js";

/**
 * What one cache entry holds: a configuration file's text as validated by protoship (protoship.yaml's
 * configuration, buf.yaml's workspace), so a command whose file has not changed skips loading yaml
 * and the schema (~40–100 ms of CPU per pre-push check).
 */
export interface ParseCache {
  /** The entry's file name in {@link CACHE_DIR}. */
  entry: string;
  /** The modules whose code decides what the text validates into (their bytes are part of the key). */
  modules: readonly URL[];
}

const MAGIC = "protoship-config 1\n";

/** The header line of an entry. */
interface Header {
  /** {@link cacheKey} of the text the entry was validated from. */
  key: string;
  /** {@link cacheDigest} of the key and the body. */
  digest: string;
}

/**
 * What an entry is valid for: the exact text (and what names it, e.g. its path), and the protoship
 * that validated it (its version and the bytes of the modules that validate, so a development
 * build whose code changed under the same version does not reuse an entry).
 */
function cacheKey(cache: ParseCache, text: string): string {
  const hash = createHash("sha256").update(protoshipVersion());
  for (const module of cache.modules) hash.update("\0").update(moduleBytes(module));
  return hash.update("\0").update(text, "utf8").digest("hex");
}

const modules = new Map<string, Buffer>();
/** A module's bytes (schema.js when built, schema.ts when run from sources); empty when it cannot be read. */
function moduleBytes(url: URL): Buffer {
  let bytes = modules.get(url.href);
  if (!bytes) {
    try {
      bytes = readFileSync(url);
    } catch {
      bytes = Buffer.alloc(0);
    }
    modules.set(url.href, bytes);
  }
  return bytes;
}

/** The module `name` (without extension) beside `from`, with `from`'s extension (.js built, .ts from sources). */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${path.extname(new URL(from).pathname)}`, from);
}

/**
 * The value cached for exactly `text`, or undefined (a miss: no entry, another text's or another
 * version's entry, or one whose digest does not prove its content). Any other text is validated
 * in full, with the same messages.
 */
export async function readParseCache<T>(root: string, cache: ParseCache, text: string): Promise<T | undefined> {
  try {
    // Read synchronously, as the configuration file itself (yaml/config-yaml.ts readConfigFile).
    const entry = readFileSync(resolveRepoPath(root, `${CACHE_DIR}/${cache.entry}`, { label: "the config cache" }), "utf8");
    const headerEnd = entry.indexOf("\n", MAGIC.length);
    if (!entry.startsWith(MAGIC) || headerEnd < 0) return undefined;
    const header = JSON.parse(entry.slice(MAGIC.length, headerEnd)) as Partial<Header> | null;
    const body = entry.slice(headerEnd + 1);
    const key = cacheKey(cache, text);
    if (header?.key !== key || header.digest !== cacheDigest(key, body)) return undefined;
    return JSON.parse(body) as T;
  } catch {
    return undefined;
  }
}

/**
 * Caches `value`, validated from `text`, when git ignores the entry's path (never a file that could
 * be committed; a folder that is not a repository gets none), through a temporary file and a rename.
 * Best effort: a cache that cannot be written is skipped.
 */
export async function writeParseCache<T>(root: string, cache: ParseCache, text: string, value: T): Promise<void> {
  try {
    const entry = `${CACHE_DIR}/${cache.entry}`;
    const file = resolveRepoPath(root, entry, { label: "the config cache" });
    if (!(await gitIgnores(root, entry))) return;
    const body = JSON.stringify(value);
    const key = cacheKey(cache, text);
    const header: Header = { key, digest: cacheDigest(key, body) };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileReplacing(file, `${MAGIC}${JSON.stringify(header)}\n${body}`, `${file}.tmp-${process.pid}`);
  } catch {
    // A cache: loading the configuration does not depend on it.
  }
}

/**
 * `text` validated by `parse`, served from `cache` when this protoship validated exactly that
 * text before ({@link readParseCache}), and cached after a successful parse.
 */
export async function parseCached<T>(root: string, cache: ParseCache, text: string, parse: () => Promise<T>): Promise<T> {
  const cached = await readParseCache<T>(root, cache, text);
  if (cached) return cached;
  const value = await parse();
  await writeParseCache(root, cache, text, value);
  return value;
}
