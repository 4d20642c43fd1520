import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeTempDir } from "../fs/temp-dir.js";

/**
 * A temporary folder that looks like the repository at another revision without copying it:
 * every folder on the way to a changed file is recreated, everything else is a symlink to the
 * working tree, and the changed files are written with their content at that revision (or left
 * out when they do not exist there). Building one costs a few directory listings, not a checkout,
 * which is what keeps `protoship check` fast on repositories with thousands of protos.
 */
export interface OverlayTree {
  dir: string;
  dispose(): Promise<void>;
}

/**
 * @param source the working tree to mirror
 * @param overrides repository-relative path → content at the revision, or null when absent there
 */
export async function createOverlayTree(source: string, overrides: ReadonlyMap<string, Uint8Array | null>): Promise<OverlayTree> {
  const scratch = await makeTempDir("protoship-tree-");
  const dir = scratch.dir;
  const touchedDirs = new Set<string>([""]);
  for (const file of overrides.keys()) {
    const parts = file.split("/");
    for (let i = 1; i < parts.length; i++) touchedDirs.add(parts.slice(0, i).join("/"));
  }
  await mirror(source, dir, "", touchedDirs, overrides);
  await Promise.all(
    [...overrides].map(async ([file, content]) => {
      if (content === null) return;
      const target = path.join(dir, ...file.split("/"));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }),
  );
  return scratch;
}

async function mirror(
  source: string,
  target: string,
  rel: string,
  touchedDirs: ReadonlySet<string>,
  overrides: ReadonlyMap<string, unknown>,
): Promise<void> {
  const from = path.join(source, ...rel.split("/").filter(Boolean));
  const to = path.join(target, ...rel.split("/").filter(Boolean));
  await mkdir(to, { recursive: true });
  let entries: string[];
  try {
    entries = await readdir(from);
  } catch {
    return; // The folder exists only at the other revision.
  }
  await Promise.all(
    entries.map(async (name) => {
      const childRel = rel ? `${rel}/${name}` : name;
      if (overrides.has(childRel)) return;
      if (touchedDirs.has(childRel)) return mirror(source, target, childRel, touchedDirs, overrides);
      await symlink(path.join(from, name), path.join(to, name));
    }),
  );
}
