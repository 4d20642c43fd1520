import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import type { RawChange } from "../git/diff.js";
import { commitRows, indexRows, worktreeFiles, type TreeRow } from "../git/files.js";
import type { GitReader } from "../git/git.js";
import type { SideEntry } from "./file-set.js";

/**
 * The entries of a commit (`git ls-tree -r`), as git stores them: regular files and symlinks
 * with their blob ids (a symlink's target is read from its blob); submodules are left out.
 */
export async function listCommit(repo: GitReader, sha: string): Promise<SideEntry[]> {
  return withLinkTargets(repo, await commitRows(repo, sha));
}

/** The entries of the index (`git ls-files -s`), stage 0 (or the first stage of a conflict). */
export async function listIndex(repo: GitReader): Promise<SideEntry[]> {
  return withLinkTargets(repo, await indexRows(repo));
}

/**
 * The entries of the working tree git can see: tracked files (present on disk) and untracked
 * files git does not ignore (.gitignore, .git/info/exclude, core.excludesFile). An ignored file is
 * never part of any side. Symlinks are read from disk; no id is known (contents may differ from
 * git's). `toWorktree`: the index's differences from the working tree, when the caller asked for
 * them (`check`): then a file the disk holds as a symlink although the index has a regular file
 * (git lists it as a type change) is listed as that symlink (see worktreeFiles).
 */
export async function listWorktree(repo: GitReader, toWorktree?: Promise<readonly RawChange[] | undefined>): Promise<SideEntry[]> {
  const { tracked, untracked, deleted: gone, linkCandidates } = await worktreeFiles(repo, toWorktree);
  const entries: SideEntry[] = [];
  // Only a possible symlink is looked at on disk (thousands of plain files are not awaited one by one).
  const onDisk: Promise<void>[] = [];
  const fromDisk = (file: string, untracked: boolean): void => {
    const at = entries.push({ path: file }) - 1;
    const full = path.join(repo.root, ...file.split("/"));
    onDisk.push(
      (async () => {
        const stat = await lstat(full).catch(() => undefined);
        const entry: SideEntry = stat?.isSymbolicLink() ? { path: file, link: await readlink(full) } : { path: file };
        entries[at] = untracked ? { ...entry, untracked } : entry;
      })(),
    );
  };
  for (const row of tracked) {
    if (gone.has(row.path)) continue;
    if (row.mode === "120000" || linkCandidates.has(row.path)) fromDisk(row.path, false);
    else entries.push({ path: row.path });
  }
  for (const file of untracked) fromDisk(file, true);
  await Promise.all(onDisk);
  return entries;
}

/**
 * The entries of a folder that is not a repository (e.g. a stub generation root handed to the
 * API): every file and symlink, less `.git` and `node_modules`, which no git ignore rule can
 * leave out there.
 */
export async function listFolder(root: string): Promise<SideEntry[]> {
  const entries: SideEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    const dir = rel ? path.join(root, ...rel.split("/")) : root;
    const children = await readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      children.map(async (child) => {
        const at = rel ? `${rel}/${child.name}` : child.name;
        if (child.isSymbolicLink()) entries.push({ path: at, link: await readlink(path.join(dir, child.name)) });
        else if (child.isDirectory()) {
          if (child.name !== ".git" && child.name !== "node_modules") await walk(at);
        } else if (child.isFile()) entries.push({ path: at });
      }),
    );
  };
  await walk("");
  return entries;
}

/** Rows to entries: submodules dropped, symlink targets read from their blobs in one batch. */
async function withLinkTargets(repo: GitReader, rows: readonly TreeRow[]): Promise<SideEntry[]> {
  const kept = rows.filter((r) => r.mode !== "160000");
  const links = await repo.readBlobs(kept.filter((r) => r.mode === "120000").map((r) => r.id));
  return kept.map((r) => {
    const link = r.mode === "120000" ? links.get(r.id)?.toString("utf8") : undefined;
    return link === undefined ? { path: r.path, id: r.id } : { path: r.path, id: r.id, link };
  });
}
