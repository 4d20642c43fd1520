import type { GitReader, GitWriter } from "./git.js";
import { GitCommandError } from "./run-git.js";

/**
 * What the gate asks of git about a remote and the refs it knows: which local refs exist, which
 * commits a remote has not seen, and the fetches that complete a partial or shallow clone. Every
 * remote name and ref follows `--` (or is inside a refspec after it).
 */

/** The commit of each of `refs` that exists (full ref names), in one `git for-each-ref`. */
export async function refCommits(repo: GitReader, refs: readonly string[]): Promise<Map<string, string>> {
  const out = await repo.query(refCommitsQuery(refs));
  return new Map(
    out
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\0") as [string, string]),
  );
}

/** The query of {@link headAndUpstream}. */
export const HEAD_AND_UPSTREAM: readonly string[] = ["rev-parse", "HEAD^{commit}", "@{upstream}^{commit}", "--"];

/** The query of {@link refCommits}. */
export function refCommitsQuery(refs: readonly string[]): string[] {
  return ["for-each-ref", "--format=%(refname)%00%(objectname)", ...refs];
}

/**
 * HEAD's commit and its upstream's, in one `git rev-parse` (the usual base of a check: a branch
 * that tracks another). Without an upstream (none set, a detached HEAD) git still answers HEAD
 * before it fails: `upstream` is then absent. Undefined without a commit or when git answers
 * anything else. Both revisions are constants: nothing from outside reaches git.
 */
export async function headAndUpstream(repo: GitReader): Promise<{ head: string; upstream?: string } | undefined> {
  let out: string;
  let failed = false;
  try {
    out = await repo.query(HEAD_AND_UPSTREAM);
  } catch (error) {
    out = error instanceof GitCommandError ? error.stdout : "";
    failed = true;
  }
  const [head, upstream, end, ...rest] = out.split("\n");
  const sha = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
  if (!head || !sha.test(head)) return undefined;
  if (failed) return upstream || end !== undefined || rest.length ? undefined : { head };
  if (!upstream || end !== "--" || rest.some(Boolean) || !sha.test(upstream)) return undefined;
  return { head, upstream };
}

/**
 * `git rev-list --boundary <localSha> --not --remotes=<remote>`: the commits no ref of `remote`
 * has, then the boundary commits (prefixed `-`), one a line; empty when the remote has them all.
 */
export async function unpublishedCommits(repo: GitReader, localSha: string, remote: string): Promise<string> {
  return repo.query(["rev-list", "--boundary", localSha, "--not", `--remotes=${remote}`]);
}

/** Fetches one commit by id from `remote`, without writing FETCH_HEAD or tags. */
export async function fetchCommit(repo: GitWriter, remote: string, sha: string): Promise<void> {
  await repo.change(["fetch", "--no-tags", "--quiet", "--no-write-fetch-head", "--", remote, sha]);
}

/** Fetches `branch` of `remote` into its remote-tracking ref (`refs/remotes/<remote>/<branch>`). */
export async function fetchBranch(repo: GitWriter, remote: string, branch: string): Promise<void> {
  await repo.change(["fetch", "--no-tags", "--quiet", remote, "--", `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
}

/** Turns a shallow clone into a whole one (`git fetch --unshallow`). */
export async function unshallow(repo: GitWriter, remote: string): Promise<void> {
  await repo.change(["fetch", "--no-tags", "--quiet", "--unshallow", remote]);
}
