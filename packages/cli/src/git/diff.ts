import type { GitRepo } from "./git.js";

/** One changed path between two trees. Renames are split into a deletion and an addition. */
export interface FileChange {
  /** "A" added, "M" modified (or type-changed), "D" deleted. */
  status: "A" | "M" | "D";
  /** Repository-relative path with forward slashes. */
  path: string;
}

/** What to compare a base with: a commit, the index, or the working tree. */
export type Side = { kind: "commit"; sha: string } | { kind: "index" } | { kind: "worktree" };

/**
 * Lists the paths that differ between `base` (a commit or the empty tree) and `head`, limited to
 * `pathspecs`. NUL-separated output keeps spaces, newlines and non-ASCII names intact.
 */
export async function diffPaths(repo: GitRepo, base: string, head: Side, pathspecs: readonly string[]): Promise<FileChange[]> {
  const args = ["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color"];
  if (head.kind === "index") args.push("--cached");
  args.push(base);
  if (head.kind === "commit") args.push(head.sha);
  args.push("--", ...pathspecs);
  return parseNameStatus(await repo.query(args));
}

/** Parses `git diff --name-status -z --no-renames` output. */
export function parseNameStatus(out: string): FileChange[] {
  const parts = out.split("\0");
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = parts[i]!.charAt(0);
    const file = parts[i + 1]!;
    if (code === "A") changes.push({ status: "A", path: file });
    else if (code === "D") changes.push({ status: "D", path: file });
    else changes.push({ status: "M", path: file });
  }
  return changes;
}

/** Untracked, not-ignored files matching `pathspecs` (they exist in the working tree only). */
export async function untrackedPaths(repo: GitRepo, pathspecs: readonly string[]): Promise<string[]> {
  const out = await repo.query(["ls-files", "--others", "--exclude-standard", "-z", "--", ...pathspecs]);
  return out.split("\0").filter(Boolean);
}
