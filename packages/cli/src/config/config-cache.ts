import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { cacheDigest, writeFileReplacing } from "@protoship/fs-safe";
import { CACHE_DIR } from "../fs/cache-dir.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { gitIgnores } from "../git/files.js";
import { protoshipVersion } from "../version.js";
import type { ProtoshipConfig } from "./schema.js";

/** The entry, beside generate's image (ignored by git with node_modules). */
const ENTRY = `${CACHE_DIR}/config.json`;
const MAGIC = "protoship-config 1\n";

/** The header line of an entry. */
interface Header {
  /** {@link configKey} of the protoship.yaml the entry was validated from. */
  key: string;
  /** {@link cacheDigest} of the key and the body. */
  digest: string;
}

/**
 * What an entry is valid for: the exact bytes of protoship.yaml, and the protoship that validated
 * them (its version and the bytes of its schema module, so a development build whose schema changed
 * under the same version does not reuse an entry).
 */
function configKey(text: string): string {
  return createHash("sha256")
    .update(protoshipVersion())
    .update("\0")
    .update(schemaModuleBytes())
    .update("\0")
    .update(text, "utf8")
    .digest("hex");
}

let schemaBytes: Buffer | undefined;
/** The schema module beside this one (schema.js when built, schema.ts when run from sources). */
function schemaModuleBytes(): Buffer {
  if (!schemaBytes) {
    try {
      schemaBytes = readFileSync(new URL(`./schema${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url));
    } catch {
      schemaBytes = Buffer.alloc(0);
    }
  }
  return schemaBytes;
}

/**
 * The validated configuration cached for exactly `text`, or undefined (a miss: no entry, another
 * file's or another version's entry, or one whose digest does not prove its content). So a command
 * whose protoship.yaml has not changed skips loading and running zod (~60 ms of CPU per pre-push
 * check); any other text is validated in full, with the same messages.
 */
export async function readConfigCache(root: string, text: string): Promise<ProtoshipConfig | undefined> {
  try {
    const entry = await readFile(resolveRepoPath(root, ENTRY, { label: "the config cache" }), "utf8");
    const headerEnd = entry.indexOf("\n", MAGIC.length);
    if (!entry.startsWith(MAGIC) || headerEnd < 0) return undefined;
    const header = JSON.parse(entry.slice(MAGIC.length, headerEnd)) as Partial<Header> | null;
    const body = entry.slice(headerEnd + 1);
    const key = configKey(text);
    if (header?.key !== key || header.digest !== cacheDigest(key, body)) return undefined;
    return JSON.parse(body) as ProtoshipConfig;
  } catch {
    return undefined;
  }
}

/**
 * Caches `config`, validated from `text`, when git ignores the entry's path (never a file that could
 * be committed; a folder that is not a repository gets none), through a temporary file and a rename.
 * Best effort: a cache that cannot be written is skipped.
 */
export async function writeConfigCache(root: string, text: string, config: ProtoshipConfig): Promise<void> {
  try {
    const file = resolveRepoPath(root, ENTRY, { label: "the config cache" });
    if (!(await gitIgnores(root, ENTRY))) return;
    const body = JSON.stringify(config);
    const key = configKey(text);
    const header: Header = { key, digest: cacheDigest(key, body) };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileReplacing(file, `${MAGIC}${JSON.stringify(header)}\n${body}`, `${file}.tmp-${process.pid}`);
  } catch {
    // A cache: loading the configuration does not depend on it.
  }
}
