import { deletedOf, linkCandidatesOf, type RawChange } from "./diff.js";
import type { GitReader } from "./git.js";

/**
 * The files git lists: a commit's tree, the index, and the working tree as git sees it. Names
 * come NUL-separated (`-z`), exactly as stored, and pathspecs follow `--`.
 */

/** One entry of a tree or the index: git's mode (`100644`, `120000` symlink, `160000` submodule), object id, path. */
export interface TreeRow {
  mode: string;
  id: string;
  path: string;
}

/** Every entry of a commit's tree, recursively (`git ls-tree -r --full-tree`). */
export async function commitRows(repo: GitReader, sha: string): Promise<TreeRow[]> {
  const out = await repo.query(["ls-tree", "-r", "-z", "--full-tree", sha]);
  // `<mode> <type> <id>\t<path>\0`, read by position: thousands of entries are not split into
  // lines and arrays first (several times faster before the code is optimised, as on every run).
  const rows: TreeRow[] = [];
  for (let at = 0; at < out.length; ) {
    const nul = out.indexOf("\0", at);
    const end = nul < 0 ? out.length : nul;
    const tab = out.indexOf("\t", at);
    if (tab >= 0 && tab < end) {
      const space = out.indexOf(" ", at);
      rows.push({ mode: out.slice(at, space), id: out.slice(out.indexOf(" ", space + 1) + 1, tab), path: out.slice(tab + 1, end) });
    }
    at = end + 1;
  }
  return rows;
}

/** The entries of the index (`git ls-files -s`), stage 0 (or the first stage of a conflict). */
export async function indexRows(repo: GitReader): Promise<TreeRow[]> {
  return indexRowsOf((await repo.query(["ls-files", "-s", "-z"])).split("\0"));
}

/** `git ls-files -s` lines (`<mode> <id> <stage>\t<path>`) as rows, the first stage of each path. */
function indexRowsOf(lines: readonly string[]): TreeRow[] {
  const rows = new Map<string, TreeRow>();
  for (const line of lines) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const file = line.slice(tab + 1);
    if (rows.has(file)) continue;
    // `<mode> <id> <stage>`: read by position, without splitting thousands of lines into arrays.
    const space = line.indexOf(" ");
    rows.set(file, { mode: line.slice(0, space), id: line.slice(space + 1, line.indexOf(" ", space + 1)), path: file });
  }
  return [...rows.values()];
}

/** The query of {@link worktreeFiles}: every index entry and every untracked file git does not ignore, tagged. */
export const WORKTREE_LISTING: readonly string[] = ["ls-files", "-z", "-t", "-s", "--cached", "--others", "--exclude-standard"];

/**
 * The working tree as git sees it: the index entries (`tracked`) and the untracked files git does
 * not ignore, in one `git ls-files`, and beside it the tracked files deleted from the disk and
 * those the disk may hold as symlinks although the index has another type (`linkCandidates`),
 * from the index's differences from the working tree when the caller asked for them (`known`;
 * see changedOnDisk). Asked together, git walks the folders for untracked files and then checks
 * every tracked file on the disk, one after the other (35 ms on the 7,211-file corpus); apart, the
 * two run side by side (about 20 ms each).
 */
export async function worktreeFiles(
  repo: GitReader,
  known?: Promise<readonly RawChange[] | undefined>,
): Promise<{ tracked: TreeRow[]; untracked: string[]; deleted: ReadonlySet<string>; linkCandidates: ReadonlySet<string> }> {
  const [out, { deleted, linkCandidates }] = await Promise.all([repo.query(WORKTREE_LISTING), changedOnDisk(repo, known)]);
  const tracked: string[] = [];
  const untracked: string[] = [];
  // Each line tagged (-t): `?` untracked, any other letter a stage-0 (or conflicted) index entry.
  for (const line of out.split("\0")) {
    if (line.length < 3) continue;
    const rest = line.slice(2);
    if (line[0] === "?") untracked.push(rest);
    else tracked.push(rest);
  }
  return { tracked: indexRowsOf(tracked), untracked, deleted, linkCandidates };
}

/**
 * From the index's differences from the working tree, when the caller has them: the tracked
 * files gone from the disk (git/diff.ts deletedOf) and the entries the disk may hold as symlinks
 * (linkCandidatesOf). Without them (or when they cannot tell), `git ls-files --deleted`, and no
 * candidate: git's diff would read every file whose stat changed (a fresh clone's, or files
 * rewritten with the same bytes), a cost a command that does not ask for it is not given.
 */
async function changedOnDisk(
  repo: GitReader,
  known: Promise<readonly RawChange[] | undefined> | undefined,
): Promise<{ deleted: ReadonlySet<string>; linkCandidates: ReadonlySet<string> }> {
  const changes = await known;
  const deleted =
    (changes && deletedOf(changes)) ?? new Set((await repo.query(["ls-files", "-z", "--deleted"])).split("\0").filter(Boolean));
  return { deleted, linkCandidates: changes ? linkCandidatesOf(changes) : new Set() };
}

/** Which files `git ls-files` lists: tracked (`cached`), untracked and not ignored (`others`), tracked but gone from disk (`deleted`). */
export type FileKind = "cached" | "others" | "deleted";

/**
 * The files of the working tree git lists as `kinds` under `pathspecs` (all when none), each
 * once; `others` never includes an ignored file (.gitignore, .git/info/exclude, core.excludesFile).
 */
export async function listFiles(repo: GitReader, kinds: readonly FileKind[], pathspecs: readonly string[] = []): Promise<string[]> {
  const flags = kinds.flatMap((k) => (k === "others" ? ["--others", "--exclude-standard"] : [`--${k}`]));
  const out = await repo.query(["ls-files", "-z", ...flags, "--", ...pathspecs]);
  return [...new Set(out.split("\0").filter(Boolean))];
}

/** The paths of a commit's files under the folder `dir` (repository-relative, no trailing slash). */
export async function commitFilesUnder(repo: GitReader, commit: string, dir: string): Promise<string[]> {
  return (await repo.query(["ls-tree", "-r", "-z", "--name-only", commit, "--", `${dir}/`])).split("\0").filter(Boolean);
}

/**
 * Whether git ignores `file` (repository-relative) in the repository at `root`, by its ignore rules
 * alone (`check-ignore --no-index`): where a cache may be written without ever showing as a change.
 * False outside a repository or when git cannot answer.
 */
export async function gitIgnores(root: string, file: string): Promise<boolean> {
  const { runGit } = await import("./run-git.js");
  try {
    await runGit(root, ["check-ignore", "-q", "--no-index", "--", file]);
    return true;
  } catch {
    return false;
  }
}
