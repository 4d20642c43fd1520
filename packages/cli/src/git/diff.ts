import type { GitReader } from "./git.js";

/** One changed path between two trees. Renames are split into a deletion and an addition. */
export interface FileChange {
  /** "A" added, "M" modified (or type-changed), "D" deleted. */
  status: "A" | "M" | "D";
  /** Repository-relative path with forward slashes. */
  path: string;
  /** The file's blob on the base side (absent for an addition, or when not known). */
  baseBlob?: string;
  /** A symlink on either side (git's mode 120000): what it leads to changed for every path through it. */
  link?: boolean;
}

/** What to compare a base with: a commit, the index, or the working tree. */
export type Side = { kind: "commit"; sha: string } | { kind: "index" } | { kind: "worktree" };

const DIFF = ["diff", "--raw", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color", "--no-abbrev"];

/**
 * Lists the paths that differ between `base` (a commit or the empty tree) and `head`, limited to
 * `pathspecs`. NUL-separated output keeps spaces, newlines and non-ASCII names intact.
 */
export async function diffPaths(repo: GitReader, base: string, head: Side, pathspecs: readonly string[]): Promise<FileChange[]> {
  const args = [...DIFF];
  if (head.kind === "index") args.push("--cached");
  args.push(base);
  if (head.kind === "commit") args.push(head.sha);
  args.push("--", ...pathspecs);
  return parseRawDiff(await repo.query(args));
}

/**
 * The paths among `pathspecs` where the working tree differs from `rev` (a commit), or from the
 * index when `rev` is undefined, with their blobs at `rev` (or in the index).
 */
export async function diffWithWorktree(repo: GitReader, rev: string | undefined, pathspecs: readonly string[]): Promise<FileChange[]> {
  return parseRawDiff(await repo.query([...DIFF, ...(rev ? [rev] : []), "--", ...pathspecs]));
}

/**
 * One line of `git diff --raw`: both sides' modes (`000000` for a side without the path), the
 * source side's blob, git's status letter and the path.
 */
export interface RawChange {
  srcMode: string;
  dstMode: string;
  src: string;
  status: string;
  path: string;
}

/**
 * The index's differences from the working tree (`git diff --raw`, every path; files git sees as
 * unchanged by their stat are not read), with both sides' modes: see {@link composeChanges}.
 */
export async function indexToWorktree(repo: GitReader): Promise<RawChange[]> {
  return parseRaw(await repo.query(INDEX_TO_WORKTREE));
}

/** The query of {@link indexToWorktree}. */
export const INDEX_TO_WORKTREE: readonly string[] = [...DIFF, "--"];

/** A commit's (or the empty tree's) differences from the index (`git diff --raw --cached`), with both sides' modes. */
export async function commitToIndex(repo: GitReader, base: string): Promise<RawChange[]> {
  return parseRaw(await repo.query([...DIFF, "--cached", base, "--"]));
}

/**
 * Pure: what `git diff <base>` (base to working tree) lists, from the base's differences from the
 * index and the index's from the working tree (both {@link RawChange}s of every path). A path
 * only one of them lists is at the other's side as the index has it; staged as new and gone from
 * the disk, it is no change; staged as new and then edited, an addition; staged and then deleted,
 * a deletion. Undefined when the two cannot tell exactly: a path changed in the index and again
 * in the working tree (its bytes may be the base's again), an unmerged or intent-to-add entry, a
 * status other than A, M, T, D. The caller then asks git for the whole diff.
 */
export function composeChanges(toIndex: readonly RawChange[], toWorktree: readonly RawChange[]): FileChange[] | undefined {
  const staged = new Map<string, RawChange>();
  for (const c of toIndex) {
    if (!"AMTD".includes(c.status) || c.status.length !== 1) return undefined;
    staged.set(c.path, c);
  }
  const changes = new Map<string, FileChange>();
  for (const c of toIndex) changes.set(c.path, fileChange(c.srcMode, c.dstMode, c.src, c.status, c.path));
  for (const w of toWorktree) {
    if (!"MTD".includes(w.status) || w.status.length !== 1) return undefined;
    const s = staged.get(w.path);
    if (!s) {
      changes.set(w.path, fileChange(w.srcMode, w.dstMode, w.src, w.status, w.path));
    } else if (s.status === "A") {
      if (w.status === "D") changes.delete(w.path);
      else changes.set(w.path, fileChange(s.srcMode, w.dstMode, s.src, "A", w.path));
    } else if (s.status !== "D" && w.status === "D") {
      changes.set(w.path, fileChange(s.srcMode, w.dstMode, s.src, "D", w.path));
    } else {
      return undefined;
    }
  }
  return [...changes.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `git diff <base>` of every path (base to working tree) from {@link commitToIndex} and the
 * index→working-tree differences (started by the caller beside other reads), composed
 * ({@link composeChanges}): the working tree is read once, before the base is known. git's own
 * diff when they cannot be composed.
 */
export async function diffWorktreeFrom(repo: GitReader, base: string, toWorktree: Promise<readonly RawChange[]>): Promise<FileChange[]> {
  const [toIndex, fromIndex] = await Promise.all([commitToIndex(repo, base), toWorktree]);
  return composeChanges(toIndex, fromIndex) ?? diffPaths(repo, base, { kind: "worktree" }, []);
}

/**
 * The tracked files gone from the disk (what `git ls-files --deleted` lists) from the
 * index→working-tree differences, or undefined when they hold an entry other than a modification
 * or a deletion (an unmerged or intent-to-add one): then git is asked. Like `git diff` and
 * `git status` (and unlike `ls-files --deleted`), a file whose path now is a folder or leads
 * through a symlink counts as deleted.
 */
export function deletedOf(toWorktree: readonly RawChange[]): Set<string> | undefined {
  if (toWorktree.some((c) => c.status.length !== 1 || !"MTD".includes(c.status))) return undefined;
  return new Set(toWorktree.filter((c) => c.status === "D").map((c) => c.path));
}

const LINK_MODE = "120000";

/**
 * The index entries the working tree may hold as symlinks although the index holds another type,
 * from the index→working-tree differences: git lists a file replaced on the disk by a symlink as
 * a type change to mode 120000 (an unmerged entry comes without modes: its path is listed too).
 * The working tree's listing looks only at these, and at the index's own symlinks, on the disk.
 */
export function linkCandidatesOf(toWorktree: readonly RawChange[]): Set<string> {
  return new Set(toWorktree.filter((c) => c.dstMode === LINK_MODE || c.status === "U").map((c) => c.path));
}

/** Parses `git diff --raw -z --no-renames` output (`:<mode> <mode> <sha> <sha> <status>\0<path>\0`). */
function parseRaw(out: string): RawChange[] {
  const parts = out.split("\0");
  const changes: RawChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [srcMode = "", dstMode = "", src = "", , code = ""] = parts[i]!.replace(/^:/, "").split(" ");
    changes.push({ srcMode, dstMode, src, status: code.charAt(0), path: parts[i + 1]! });
  }
  return changes;
}

function parseRawDiff(out: string): FileChange[] {
  return fileChangesOf(parseRaw(out));
}

/** Raw lines as {@link FileChange}s, as {@link diffPaths} gives them. */
export function fileChangesOf(raw: readonly RawChange[]): FileChange[] {
  return raw.map((c) => fileChange(c.srcMode, c.dstMode, c.src, c.status, c.path));
}

/** A {@link FileChange} from a raw line's parts: any status but an addition or a deletion is a modification. */
function fileChange(srcMode: string, dstMode: string, src: string, status: string, file: string): FileChange {
  const link = srcMode === LINK_MODE || dstMode === LINK_MODE ? { link: true } : {};
  if (status === "A") return { status: "A", path: file, ...link };
  return { status: status === "D" ? "D" : "M", path: file, ...(src && !/^0+$/.test(src) ? { baseBlob: src } : {}), ...link };
}

/** Paths with unresolved merge conflicts in the index (several stages), each once, sorted. */
export async function unmergedPaths(repo: GitReader): Promise<string[]> {
  const out = await repo.query(["ls-files", "--unmerged", "-z"]);
  // Each entry is `<mode> <sha> <stage>\t<path>`.
  const paths = out.split("\0").flatMap((entry) => (entry.includes("\t") ? [entry.slice(entry.indexOf("\t") + 1)] : []));
  return [...new Set(paths)].sort();
}

/**
 * Ignored entries of the working tree: files matching `pathspecs`, and whole ignored folders
 * (git lists a folder that holds no tracked file once, with a trailing slash, without walking it).
 * Returned without the trailing slash.
 */
export async function ignoredPaths(repo: GitReader, pathspecs: readonly string[]): Promise<string[]> {
  const out = await repo.query(ignoredQuery(pathspecs));
  return out
    .split("\0")
    .filter(Boolean)
    .map((p) => p.replace(/\/$/, ""));
}

/** The query of {@link ignoredPaths}. */
export function ignoredQuery(pathspecs: readonly string[]): string[] {
  return ["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z", "--", ...pathspecs];
}
