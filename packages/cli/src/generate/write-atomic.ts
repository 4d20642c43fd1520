import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** A package folder's files, by path relative to the folder. */
export type FileTree = Map<string, string>;

/** Folders inside a package that belong to the developer's machine, not to the generator. */
const KEPT = ["node_modules"];

/**
 * Replaces each folder `outDir/<name>` with the given tree, all or nothing: every tree is first
 * written to a temporary folder beside `outDir` (same file system, so renames are atomic); only
 * when all are written are the folders swapped in by rename. A failure before that leaves
 * `outDir` untouched; a failure during the swap puts back what was already swapped.
 *
 * Folders whose content is already byte-identical are not touched (a no-op regeneration writes
 * nothing, so build caches and editors see no change). `node_modules` is carried over into the
 * new folder. With `prune`, other folders in `outDir` that `isOwned` recognises are removed.
 * Returns the names of the folders that changed.
 */
export async function replaceFolders(outDir: string, trees: Map<string, FileTree>, options: { prune?: (name: string) => Promise<boolean> } = {}): Promise<string[]> {
  const changed: string[] = [];
  for (const [name, tree] of trees) if (!(await sameContent(path.join(outDir, name), tree))) changed.push(name);
  const stale: string[] = [];
  if (options.prune) {
    for (const name of await listDirs(outDir)) if (!trees.has(name) && (await options.prune(name))) stale.push(name);
  }
  if (!changed.length && !stale.length) return [];

  await mkdir(path.dirname(path.resolve(outDir)), { recursive: true });
  await mkdir(outDir, { recursive: true });
  const staging = path.join(path.dirname(path.resolve(outDir)), `.${path.basename(outDir)}.tmp-${randomBytes(4).toString("hex")}`);
  try {
    for (const name of changed) await writeTree(path.join(staging, "new", name), trees.get(name)!);
    await mkdir(path.join(staging, "old"), { recursive: true });
    const done: { name: string; hadOld: boolean }[] = [];
    try {
      for (const name of changed) {
        const target = path.join(outDir, name);
        const hadOld = await exists(target);
        if (hadOld) {
          for (const kept of KEPT) {
            if (await exists(path.join(target, kept))) await rename(path.join(target, kept), path.join(staging, "new", name, kept));
          }
          await rename(target, path.join(staging, "old", name));
        }
        done.push({ name, hadOld });
        await rename(path.join(staging, "new", name), target);
      }
    } catch (error) {
      await rollBack(outDir, staging, done);
      throw error;
    }
    for (const name of stale) await rm(path.join(outDir, name), { recursive: true, force: true });
    return [...changed, ...stale].sort();
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function rollBack(outDir: string, staging: string, done: { name: string; hadOld: boolean }[]): Promise<void> {
  for (const { name, hadOld } of done.reverse()) {
    const target = path.join(outDir, name);
    const old = path.join(staging, "old", name);
    if (!hadOld) {
      await rm(target, { recursive: true, force: true });
      continue;
    }
    if (await exists(old)) {
      if (await exists(target)) {
        for (const kept of KEPT) if (await exists(path.join(target, kept))) await rename(path.join(target, kept), path.join(old, kept));
        await rm(target, { recursive: true, force: true });
      }
      await rename(old, target);
    }
  }
}

async function writeTree(dir: string, tree: FileTree): Promise<void> {
  for (const [file, text] of tree) {
    const full = path.join(dir, file);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, text);
  }
}

/** True when `dir` holds exactly the tree's files (ignoring kept and build folders) with the same bytes. */
async function sameContent(dir: string, tree: FileTree): Promise<boolean> {
  if (!(await exists(dir))) return false;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter((f) => ![...KEPT, "dist"].some((k) => f.startsWith(`${k}/`)) && !f.startsWith(".turbo/"));
  if (files.length !== tree.size) return false;
  for (const file of files) {
    const expected = tree.get(file);
    if (expected === undefined || (await readFile(path.join(dir, file), "utf8")) !== expected) return false;
  }
  return true;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
  } catch {
    return [];
  }
}

/** True when a file or folder exists at `p`. */
export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
