import { ignoredQuery, INDEX_TO_WORKTREE } from "../git/diff.js";
import { WORKTREE_LISTING } from "../git/files.js";
import { GitRepo } from "../git/git.js";
import { HEAD_AND_UPSTREAM, refCommitsQuery } from "../git/remote.js";
import { SCHEMA_PATHSPECS } from "../snapshot/schema-inputs.js";
import { GUESSED_REFS } from "./resolve-base.js";

/**
 * Opens the repository of `protoship check` and, when the working tree is checked, starts the git
 * queries it asks first (check/repo-reads.ts: the working tree's listing, its differences from
 * the index, its ignored entries; the base's rev-parse and the default branch's candidates) while
 * the rest of check's code loads: only the git modules (and resolve-base's constants) are needed
 * here. Each is taken by the code that asks it (GitRepo.prefetch).
 */
export async function openForCheck(
  cwd: string,
  options: { prePush?: boolean; staged?: boolean; against?: string | undefined; fix?: boolean },
): Promise<GitRepo> {
  const repo = await GitRepo.open(cwd);
  if (!options.prePush && !options.staged) {
    // HEAD and its upstream first: the base's chain of git calls (then, without an upstream, the
    // default branch's candidates, asked beside: one call lost when there is one) is the longest.
    const tracked = asksUpstream(options);
    repo.prefetch([
      ...(tracked ? [HEAD_AND_UPSTREAM] : []),
      WORKTREE_LISTING,
      INDEX_TO_WORKTREE,
      ignoredQuery(SCHEMA_PATHSPECS),
      ...(tracked ? [refCommitsQuery(GUESSED_REFS)] : []),
    ]);
  }
  return repo;
}

/** Whether a check's base is HEAD's upstream (or the default branch), asked of git: not with `--against` or `--fix`. */
export function asksUpstream(options: { against?: string | undefined; fix?: boolean | undefined }): boolean {
  return !options.against && !options.fix;
}
