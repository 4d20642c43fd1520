import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bufBinaryStamp } from "../buf/run-buf.js";
import { CONFIG_FILE } from "../config/load-config.js";
import type { Project } from "../project/project.js";
import type { ProtoFile } from "../snapshot/file-set.js";
import { protoshipVersion } from "../version.js";
import { saltedHash } from "./source-hash.js";

/**
 * The keys of generate's two caches, made in one place from one read of the inputs: the stamp
 * (stamp.ts: whether a rerun has anything to do) and the image cache (image-cache.ts: the
 * compiled image of the stub packages' files).
 */
export interface StubKeys {
  /** The key of a run with these settings (everything else that changes the output: plugin, options, versions, outDir…). */
  stamp(settings: Record<string, unknown>): string;
  /** The image cache's key: every input of the compile, the code that cuts the image and the buf that compiles it. */
  readonly image: string;
  /** With a `select` test: the module's .proto files whose bytes pass it, found in the same read as the digest. */
  readonly selected?: ProtoFile[];
}

/**
 * The {@link StubKeys} of the project's inputs: the digest of the protos its snapshot's file set
 * holds, buf's configuration and protoship.yaml (read once: ~0.15 s on 7,207 files), salted with
 * protoship's version and code ({@link generatorHash}). With `select`, the same read also finds
 * the files whose bytes pass it (Snapshot.digestAndFilter), so a run that searches the module's
 * files reads each of them once.
 */
export async function stubKeys(project: Project, select?: (bytes: Buffer) => boolean): Promise<StubKeys> {
  const workspace = await project.workspace();
  const extras = [...workspace.configFiles, CONFIG_FILE];
  const scan = select
    ? project.snapshot.digestAndFilter(workspace, extras, select)
    : project.snapshot.digest(workspace, extras).then((digest) => ({ digest, kept: undefined }));
  const generator = generatorHash();
  const [{ digest: inputs, kept }, buf] = await Promise.all([scan, bufBinaryStamp()]);
  const protoship = protoshipVersion();
  return {
    stamp: (settings) => saltedHash(inputs, JSON.stringify({ protoship, generator, ...settings })),
    image: saltedHash(inputs, JSON.stringify({ image: 1, protoship, generator, buf })).slice(0, 32),
    ...(kept ? { selected: kept } : {}),
  };
}

/**
 * Hash of protoship's own code (every module of the package, not only generate/: npm names, the
 * stub toolchain and the package files come from elsewhere), so any change of protoship
 * regenerates everything, even one that kept the version number (a local build).
 */
function generatorHash(): string {
  // The code does not change while the process runs: read once, synchronously (a few hundred
  // small files are read several times faster without the thread pool's round trips).
  generatorHashOnce ??= (() => {
    const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
    const hash = createHash("sha256");
    const names = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith(".d.ts"))
      .sort();
    for (const name of names) hash.update(name.split(path.sep).join("/")).update(readFileSync(path.join(dir, name)));
    return hash.digest("hex");
  })();
  return generatorHashOnce;
}
let generatorHashOnce: string | undefined;
