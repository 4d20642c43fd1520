import { readFile } from "node:fs/promises";
import path from "node:path";
import { listFiles, type FileKind } from "../git/files.js";
import type { GitReader } from "../git/git.js";
import type { RepoProject } from "../project/project.js";
import { ownerOf } from "@protoship/fs-safe";
import { renderStubs, type StubOptions, type GeneratedPackage } from "./generate-stubs.js";
import { isNotGenerated as isBuildOutput, MARKER, STUBS_OWNER } from "./stub-files.js";
import type { FileTree } from "./write-packages.js";

/** How one package folder on disk differs from what `protoship generate` would write there. */
export interface StalePackage {
  /** The package, or undefined for a folder generate would remove (its protos are gone). */
  pkg: GeneratedPackage | undefined;
  /** Absolute path of the folder. */
  dir: string;
  /** Files whose bytes differ, files generate would write that are missing, files it would not write. */
  changed: string[];
  missing: string[];
  extra: string[];
  /** Build output (dist/, node_modules/, .turbo/) that git tracks: a machine's files committed. */
  buildOutput: string[];
}

/** What {@link staleStubs} found. */
export interface StaleReport {
  outDir: string;
  /** Every package generate would write. */
  packages: GeneratedPackage[];
  /** The folders that differ (empty when the stubs are up to date). */
  stale: StalePackage[];
}

/**
 * Compares the stub packages under `outDir` with what `protoship generate` would write, without
 * writing anything: every package is generated in memory (the stamp is neither read nor written)
 * and compared, file by file, with the files git sees in its folder (tracked or untracked, not
 * ignored: a git-ignored file, like the stamp or a build's dist/, is the machine's, not the
 * repository's), plus protoship generate's `.protoship-generated` marker in each. Build output
 * (dist/, node_modules/, .turbo/) is not compared, but when git tracks any of it the package is
 * stale too: a machine's build was committed. Files directly in `outDir` are not part of any
 * package and are not compared.
 */
export async function staleStubs(project: RepoProject, options: Omit<StubOptions, "force" | "version" | "progress">): Promise<StaleReport> {
  const result = await renderStubs(project, options);
  const { trees, removed } = result;
  const { repo } = project;
  const onDisk = await gitVisibleFiles(repo, result.outDir, ["cached", "others"]);
  const tracked = await gitVisibleFiles(repo, result.outDir, ["cached"]);
  const stale: StalePackage[] = [];
  for (const pkg of result.packages) {
    const name = path.basename(pkg.dir);
    const diff = await compareFolder(pkg.dir, trees.get(name) ?? new Map(), onDisk.get(name) ?? []);
    const buildOutput = (tracked.get(name) ?? []).filter(isBuildOutput).sort();
    if (diff.changed.length || diff.missing.length || diff.extra.length || buildOutput.length)
      stale.push({ pkg, dir: pkg.dir, ...diff, buildOutput });
  }
  for (const name of removed) {
    const files = onDisk.get(name) ?? [];
    if (files.length)
      stale.push({ pkg: undefined, dir: path.join(result.outDir, name), changed: [], missing: [], extra: files, buildOutput: [] });
  }
  return { outDir: result.outDir, packages: result.packages, stale };
}

/**
 * The files git lists as `which` under `outDir` (`cached` and `others`: tracked, or untracked
 * and not ignored; `cached`: tracked), relative to their package folder,
 * by folder name.
 */
async function gitVisibleFiles(repo: GitReader, outDir: string, which: readonly FileKind[]): Promise<Map<string, string[]>> {
  const rel = path.relative(repo.root, outDir).split(path.sep).join("/");
  const byFolder = new Map<string, string[]>();
  for (const file of await listFiles(repo, which, [`:(literal)${rel}`])) {
    const inside = path.posix.relative(rel, file).split("/");
    // Files directly in outDir (the stamp, a README) belong to no package.
    if (inside.length < 2) continue;
    const [folder, ...rest] = inside;
    const list = byFolder.get(folder!) ?? [];
    list.push(rest.join("/"));
    byFolder.set(folder!, list);
  }
  return byFolder;
}

type FolderDiff = Pick<StalePackage, "changed" | "missing" | "extra">;

async function compareFolder(dir: string, tree: FileTree, files: readonly string[]): Promise<FolderDiff> {
  const present = new Set(files.filter((f) => !isBuildOutput(f) && f !== MARKER));
  const changed: string[] = [];
  const missing: string[] = [];
  const extra = [...present].filter((f) => !tree.has(f)).sort();
  for (const [file, text] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
    // A file git tracks but the working tree lost is missing too.
    const bytes = present.has(file) ? await readFile(path.join(dir, file)).catch(() => undefined) : undefined;
    if (bytes === undefined) missing.push(file);
    else if (!bytes.equals(Buffer.from(text, "utf8"))) changed.push(file);
  }
  // The marker generate writes into every package (its owner, not a byte-compared file).
  if (!files.includes(MARKER) || (await ownerOf(dir)) !== STUBS_OWNER) missing.push(MARKER);
  return { changed, missing, extra };
}
