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

const LINK_MODE = "120000";

/** Parses `git diff --raw -z --no-renames` output (`:<mode> <mode> <sha> <sha> <status>\0<path>\0`). */
function parseRawDiff(out: string): FileChange[] {
  const parts = out.split("\0");
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [srcMode, dstMode, src, , code = ""] = parts[i]!.replace(/^:/, "").split(" ");
    const file = parts[i + 1]!;
    const status = code.charAt(0);
    const link = srcMode === LINK_MODE || dstMode === LINK_MODE ? { link: true } : {};
    if (status === "A") changes.push({ status: "A", path: file, ...link });
    else changes.push({ status: status === "D" ? "D" : "M", path: file, ...(src && !/^0+$/.test(src) ? { baseBlob: src } : {}), ...link });
  }
  return changes;
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
  const out = await repo.query(["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z", "--", ...pathspecs]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((p) => p.replace(/\/$/, ""));
}
