import { ownerOf, swapFolders } from "@protoship/fs-safe";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { isNotGenerated, MARKER, NOT_GENERATED, STUBS_OWNER } from "./stub-files.js";
import { guardSwap } from "../fs/swap-guard.js";

/** A package folder's files, by path relative to the folder. */
export type FileTree = Map<string, string>;

/**
 * Replaces each folder `outDir/<name>` with the given tree and, with `prune`, removes the other
 * stub packages in `outDir` (folders with protoship generate's marker) that `prune` names stale —
 * all through one crash-safe swap (@protoship/fs-safe): a folder without the marker is never
 * touched (NotOwnedError), and a crash leaves the old or new packages once the next run recovers.
 *
 * Folders whose content is already byte-identical are not touched (a no-op regeneration writes
 * nothing, so build caches and editors see no change). `node_modules` is carried over into the
 * new folder. Returns the names of the folders that changed.
 */
export async function replacePackages(
  outDir: string,
  trees: Map<string, FileTree>,
  options: { prune?: (name: string) => boolean } = {},
): Promise<string[]> {
  const changed: string[] = [];
  for (const [name, tree] of trees) if (!(await sameContent(path.join(outDir, name), tree))) changed.push(name);
  const stale = options.prune ? await stalePackages(outDir, trees, options.prune) : [];
  if (!changed.length && !stale.length) return [];
  const write = new Map(changed.map((name) => [name, (dir: string) => writeTree(dir, trees.get(name)!)] as const));
  await guardSwap(outDir, () => swapFolders({ parent: outDir, owner: STUBS_OWNER, write, remove: stale, keep: NOT_GENERATED }));
  return [...changed, ...stale].sort();
}

/** The stub packages in `outDir` (folders with protoship generate's marker) not in `trees` that `prune` names stale. */
export async function stalePackages(outDir: string, trees: Map<string, FileTree>, prune: (name: string) => boolean): Promise<string[]> {
  const stale: string[] = [];
  for (const name of await listDirs(outDir)) {
    if (!trees.has(name) && prune(name) && (await ownerOf(path.join(outDir, name))) === STUBS_OWNER) stale.push(name);
  }
  return stale;
}

/**
 * Writes a package's files into `dir`, a fresh folder of the swap's staging: synchronously (a run's
 * few hundred small files are written several times faster without the thread pool's round
 * trips), each folder made once.
 */
async function writeTree(dir: string, tree: FileTree): Promise<void> {
  const made = new Set<string>();
  for (const [file, text] of tree) {
    const full = path.join(dir, file);
    const parent = path.dirname(full);
    if (!made.has(parent)) mkdirSync(parent, { recursive: true });
    made.add(parent);
    writeFileSync(full, text);
  }
}

/** True when `dir` holds exactly the tree's files plus our marker (ignoring kept and build folders) with the same bytes. */
async function sameContent(dir: string, tree: FileTree): Promise<boolean> {
  const files = await generatedFiles(dir);
  if (!files || files.length !== tree.size) return false;
  for (const file of files) {
    const expected = tree.get(file);
    if (expected === undefined || (await readFile(path.join(dir, file), "utf8")) !== expected) return false;
  }
  return true;
}

/**
 * The files of a stub package folder that generate writes (all but its marker and the kept
 * folders), relative to it; undefined when the folder is missing or not protoship generate's.
 */
async function generatedFiles(dir: string): Promise<string[] | undefined> {
  if ((await ownerOf(dir)) !== STUBS_OWNER) return undefined;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter((f) => f !== MARKER && !isNotGenerated(f));
}

/** sha256 of a package's files (paths and bytes), as {@link folderDigest} reads them back from disk. */
export function treeDigest(tree: FileTree): string {
  const hash = createHash("sha256");
  for (const file of [...tree.keys()].sort()) hash.update(`\0${file}\0${Buffer.byteLength(tree.get(file)!)}\0`).update(tree.get(file)!);
  return hash.digest("hex");
}

/**
 * The {@link treeDigest} of what a stub package folder holds now (its generated files, not its
 * marker, node_modules, dist or .turbo); undefined when it is missing or not protoship generate's.
 * A file edited, added or removed by hand gives another digest.
 */
export async function folderDigest(dir: string): Promise<string | undefined> {
  const files = await generatedFiles(dir).catch(() => undefined);
  if (!files) return undefined;
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    const bytes = await readFile(path.join(dir, file)).catch(() => undefined);
    if (bytes === undefined) return undefined;
    hash.update(`\0${file}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest("hex");
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
  } catch {
    return [];
  }
}
