import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { EMPTY_TREE, type GitRepo } from "../git/git.js";
import { readObjects } from "./git-objects.js";

/** A temporary folder holding files exactly as git stores them at one commit. */
export interface CommitTree {
  dir: string;
  /** Writes more of the commit's files (pathspecs, as for {@link materializeCommit}) into `dir`. */
  add(pathspecs: readonly string[]): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Writes the files of `commit` that match `pathspecs` (git pathspecs, magic included) into a new
 * temporary folder, from git objects only: ignored, untracked and modified working-tree files
 * never get in, and neither do `.gitattributes` filters (no checkout runs). What is published is
 * built from such a folder (a release's schema goes to buf without one: workspace/revision-image.ts). Symlinks are kept only when they point inside the
 * folder; submodules are left out.
 */
export async function materializeCommit(repo: GitRepo, commit: string, pathspecs: readonly string[]): Promise<CommitTree> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-commit-"));
  const tree: CommitTree = {
    dir,
    add: (more) => writeFiles(repo, commit, more, dir),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await tree.add(pathspecs);
    return tree;
  } catch (error) {
    await tree.dispose();
    throw error;
  }
}

/** One file of a commit, as git stores it. */
export interface CommitFile {
  /** git's file mode: 100644, 100755 or 120000 (a symlink, whose content is its target). */
  mode: string;
  blob: string;
  /** Repository-relative path. */
  path: string;
}

/**
 * The files of `commit` matching `pathspecs` (git pathspecs, magic included), from git objects
 * only; submodules and paths that would leave the repository or enter `.git` are left out.
 */
export async function listCommitFiles(repo: GitRepo, commit: string, pathspecs: readonly string[]): Promise<CommitFile[]> {
  // diff-tree against the empty tree lists the commit's files with their blob ids and, unlike
  // ls-tree, understands pathspec magic (`:(glob)**/buf.yaml`).
  const raw = await repo.query(["diff-tree", "-r", "-z", "--no-renames", "--no-ext-diff", EMPTY_TREE, commit, "--", ...pathspecs]);
  return parseRaw(raw).filter((e) => e.mode !== "160000" && isInside(ROOT, path.resolve(ROOT, e.path))); // git refuses such paths; never trust that
}

const ROOT = path.resolve("/protoship-commit");

async function writeFiles(repo: GitRepo, commit: string, pathspecs: readonly string[], dir: string): Promise<void> {
  const entries = await listCommitFiles(repo, commit, pathspecs);
  const blobs = await readObjects(
    repo,
    entries.map((e) => e.blob),
  );
  const files = entries.map((e) => ({ ...e, target: path.resolve(dir, e.path) })).filter((e) => isInside(dir, e.target));
  for (const folder of new Set(files.map((f) => path.dirname(f.target)))) await mkdir(folder, { recursive: true });
  const write = async (entry: CommitFile & { target: string }): Promise<void> => {
    const content = blobs.get(entry.blob)!;
    if (entry.mode !== "120000") return writeFile(entry.target, content, { mode: entry.mode === "100755" ? 0o755 : 0o644 });
    const link = content.toString("utf8");
    if (!path.isAbsolute(link) && isInside(dir, path.resolve(path.dirname(entry.target), link))) await symlink(link, entry.target);
  };
  // Thousands of small files: written a batch at a time, not one after the other.
  for (let i = 0; i < files.length; i += WRITE_BATCH) await Promise.all(files.slice(i, i + WRITE_BATCH).map(write));
}

const WRITE_BATCH = 64;

/** Parses `diff-tree -r -z` raw output: `:<old mode> <new mode> <old id> <new id> <status>\0<path>\0`. */
function parseRaw(out: string): CommitFile[] {
  const parts = out.split("\0");
  const entries: CommitFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i]!.replace(/^\n/, "");
    if (!meta.startsWith(":")) continue;
    const [, mode, , blob] = meta.slice(1).split(" ");
    entries.push({ mode: mode!, blob: blob!, path: parts[i + 1]! });
  }
  return entries;
}

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== ".git";
}
