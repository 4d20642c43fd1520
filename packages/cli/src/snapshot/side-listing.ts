import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import type { GitRepo } from "../git/git.js";
import type { SideEntry } from "./file-set.js";

/**
 * The entries of a commit (`git ls-tree -r`), as git stores them: regular files and symlinks
 * with their blob ids (a symlink's target is read from its blob); submodules are left out.
 */
export async function listCommit(repo: GitRepo, sha: string): Promise<SideEntry[]> {
  // `<mode> <type> <id>\t<path>\0`
  const out = await repo.query(["ls-tree", "-r", "-z", "--full-tree", sha]);
  const rows = out
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, , id] = line.slice(0, tab).split(" ");
      return { mode: mode!, id: id!, path: line.slice(tab + 1) };
    });
  return withLinkTargets(repo, rows);
}

/** The entries of the index (`git ls-files -s`), stage 0 (or the first stage of a conflict). */
export async function listIndex(repo: GitRepo): Promise<SideEntry[]> {
  return withLinkTargets(repo, await indexRows(repo));
}

/**
 * The entries of the working tree git can see: tracked files (present on disk) and untracked
 * files git does not ignore (.gitignore, .git/info/exclude, core.excludesFile). An ignored file is
 * never part of any side. Symlinks are read from disk; no id is known (contents may differ from git's).
 */
export async function listWorktree(repo: GitRepo): Promise<SideEntry[]> {
  // One ls-files for all three lists, each line tagged (-t): `?` untracked, `R` tracked but
  // deleted from the disk, any other letter a stage-0 (or conflicted) index entry.
  const out = await repo.query(["ls-files", "-z", "-t", "-s", "--cached", "--deleted", "--others", "--exclude-standard"]);
  const tracked: string[] = [];
  const untracked: string[] = [];
  const gone = new Set<string>();
  for (const line of out.split("\0")) {
    if (line.length < 3) continue;
    const rest = line.slice(2);
    if (line[0] === "?") untracked.push(rest);
    else if (line[0] === "R") gone.add(rest.slice(rest.indexOf("\t") + 1));
    else tracked.push(rest);
  }
  const rows = [
    ...indexRowsOf(tracked)
      .filter((r) => !gone.has(r.path))
      .map((r) => ({ path: r.path, maybeLink: r.mode === "120000" })),
    ...untracked.map((p) => ({ path: p, maybeLink: true })),
  ];
  const onDisk = async (file: string): Promise<SideEntry> => {
    const full = path.join(repo.root, ...file.split("/"));
    const stat = await lstat(full).catch(() => undefined);
    return stat?.isSymbolicLink() ? { path: file, link: await readlink(full) } : { path: file };
  };
  return Promise.all(rows.map(({ path: file, maybeLink }) => (maybeLink ? onDisk(file) : { path: file })));
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

interface Row {
  mode: string;
  id: string;
  path: string;
}

async function indexRows(repo: GitRepo): Promise<Row[]> {
  return indexRowsOf((await repo.query(["ls-files", "-s", "-z"])).split("\0"));
}

/** `git ls-files -s` lines (`<mode> <id> <stage>\t<path>`) as rows, the first stage of each path. */
function indexRowsOf(lines: readonly string[]): Row[] {
  const rows = new Map<string, Row>();
  for (const line of lines) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const [mode, id] = line.slice(0, tab).split(" ");
    const file = line.slice(tab + 1);
    if (!rows.has(file)) rows.set(file, { mode: mode!, id: id!, path: file });
  }
  return [...rows.values()];
}

/** Rows to entries: submodules dropped, symlink targets read from their blobs in one batch. */
async function withLinkTargets(repo: GitRepo, rows: readonly Row[]): Promise<SideEntry[]> {
  const kept = rows.filter((r) => r.mode !== "160000");
  const links = await repo.readBlobs(kept.filter((r) => r.mode === "120000").map((r) => r.id));
  return kept.map((r) => {
    const link = r.mode === "120000" ? links.get(r.id)?.toString("utf8") : undefined;
    return link === undefined ? { path: r.path, id: r.id } : { path: r.path, id: r.id, link };
  });
}
