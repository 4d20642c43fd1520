import { cacheDigest, writeFileReplacing } from "@protoship/fs-safe";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { IMAGE_CACHE_DIR } from "../generate/image-cache.js";
import { resolveRepoPath } from "../fs/repo-path.js";

/**
 * What a release plan needs of a .proto file to list the units without its descriptor: its proto
 * package and its imports. Both are written out in the file's own bytes (`package …;`, `import
 * "…";`), so they are a function of the bytes alone: facts a compile gave for one blob hold for
 * every file with that blob id (git's hash of the bytes), at any commit, under any path.
 */
export interface FileFacts {
  package: string;
  /** The imports, as written (module-relative names). */
  dependency: readonly string[];
}

/** The cache file, beside generate's image cache: ignored by git with node_modules. */
const FACTS_FILE = "release-facts.json";
const VERSION = "protoship-release-facts 1";

/** What the cache file holds: the digest of the entries, and per blob id its package and imports. */
interface Stored {
  version: string;
  digest: string;
  entries: [blob: string, protoPackage: string, dependency: string[]][];
}

/**
 * The facts cached by earlier plans, by blob id; empty when there is no cache or it does not
 * prove its content (its digest over the entries does not match: a truncated, edited or foreign
 * file is a miss, never an error).
 */
export async function readFileFacts(root: string): Promise<Map<string, FileFacts>> {
  const facts = new Map<string, FileFacts>();
  try {
    const stored = JSON.parse(await readFile(path.join(factsDir(root), FACTS_FILE), "utf8")) as Partial<Stored> | null;
    if (stored?.version !== VERSION || !Array.isArray(stored.entries)) return facts;
    if (stored.digest !== cacheDigest(VERSION, JSON.stringify(stored.entries))) return facts;
    for (const entry of stored.entries) {
      const [blob, protoPackage, dependency] = entry;
      if (typeof blob !== "string" || typeof protoPackage !== "string" || !Array.isArray(dependency)) return new Map();
      if (!dependency.every((d) => typeof d === "string")) return new Map();
      facts.set(blob, { package: protoPackage, dependency });
    }
  } catch {
    return new Map();
  }
  return facts;
}

/**
 * Replaces the cache with `facts` (the blobs of one revision's files: older entries are dropped),
 * through a temporary file and a rename. Best effort: a cache that cannot be written is skipped.
 */
export async function writeFileFacts(root: string, facts: ReadonlyMap<string, FileFacts>): Promise<void> {
  try {
    const dir = factsDir(root);
    await mkdir(dir, { recursive: true });
    const entries: Stored["entries"] = [...facts]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([blob, f]) => [blob, f.package, [...f.dependency]]);
    const stored: Stored = { version: VERSION, digest: cacheDigest(VERSION, JSON.stringify(entries)), entries };
    const file = path.join(dir, FACTS_FILE);
    await writeFileReplacing(file, `${JSON.stringify(stored)}\n`, `${file}.tmp-${process.pid}`);
  } catch {
    // A cache: the plan does not depend on it.
  }
}

/** The repository path of the cache file, for asking git whether it ignores it. */
export const FACTS_PATH = `${IMAGE_CACHE_DIR}/${FACTS_FILE}`;

/** The cache folder, refused (thrown, and so skipped by the callers) when a symlink would take it out of the repository. */
function factsDir(root: string): string {
  return resolveRepoPath(root, IMAGE_CACHE_DIR, { label: "the release plan's cache" });
}
