import { writeFileReplacing } from "@protoship/fs-safe";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";

/** One generated package, as a stamp records it (`dir` relative to outDir). */
export interface StampedPackage {
  npmName: string;
  protoPackage: string;
  dir: string;
  version: string;
  /** npm names of the stub packages it depends on. */
  dependencies: string[];
}

/**
 * What the last run was made from, so a rerun does only the work that changed (none at all when
 * no input file changed, without running buf).
 */
export interface Stamp {
  /** The run's stamp key (cache-keys.ts): the inputs' digest and the run's settings. */
  source: string;
  /** unitHash per npm name (a shard's: its packages only). */
  units: Record<string, string>;
  packages: StampedPackage[];
  /**
   * treeDigest of the files written per npm name, so a rerun notices a package edited by hand (or
   * a file of it deleted) although its inputs did not change, and writes it again.
   */
  digests?: Record<string, string>;
}

/**
 * Whether the stamp's run is what this run would do again: the same key, and each of its
 * packages' folders still holding what it wrote (`onDisk`: folder digest by npm name).
 */
export function stampUpToDate(stamp: Stamp, source: string, onDisk: ReadonlyMap<string, string | undefined>): boolean {
  return stamp.source === source && stamp.packages.every((p) => intact(stamp, p.npmName, onDisk.get(p.npmName)));
}

/** Whether a package's folder (its digest now, undefined when missing) holds exactly what the stamp's run wrote there. */
export function intact(stamp: Stamp | undefined, npmName: string, digest: string | undefined): boolean {
  const written = stamp?.digests?.[npmName];
  return written !== undefined && digest === written;
}

/** The stamp `name` in `outDir`; a missing, unreadable or malformed one (a cache) is no stamp. */
export async function readStamp(outDir: string, name: string): Promise<Stamp | undefined> {
  try {
    const stamp = JSON.parse(await readFile(path.join(outDir, name), "utf8")) as Partial<Stamp> | null;
    const wellFormed =
      typeof stamp?.source === "string" &&
      typeof stamp.units === "object" &&
      stamp.units !== null &&
      Array.isArray(stamp.packages) &&
      stamp.packages.every((p) => typeof p?.dir === "string" && typeof p.npmName === "string");
    return wellFormed ? (stamp as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the stamp through a temporary file and a rename, and only when it changed. The temporary
 * file has a fixed name, so one a killed run left behind is replaced (not multiplied) by the next;
 * a link at either name is replaced, never written through ({@link writeFileReplacing}).
 */
export async function writeStamp(outDir: string, name: string, stamp: Stamp): Promise<void> {
  const text = `${JSON.stringify(stamp, null, 2)}\n`;
  const file = path.join(outDir, name);
  const temp = `${file}.tmp`;
  if ((await readFile(file, "utf8").catch(() => "")) === text) return void (await rm(temp, { force: true }));
  await mkdir(outDir, { recursive: true });
  await writeFileReplacing(file, text, temp);
}
