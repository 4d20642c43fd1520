import { ignoredQuery, INDEX_TO_WORKTREE } from "../git/diff.js";
import { WORKTREE_LISTING } from "../git/files.js";
import { GitRepo } from "../git/git.js";
import { HEAD_AND_UPSTREAM } from "../git/remote.js";
import { SCHEMA_PATHSPECS } from "../snapshot/schema-inputs.js";

/**
 * Opens the repository of `protoship check` and, when the working tree is checked, starts the git
 * queries it asks first (check/repo-reads.ts: the working tree's listing, its differences from
 * the index, its ignored entries; the base's rev-parse) while the rest of check's code loads:
 * only the git modules are needed here. Each is taken by the code that asks it (GitRepo.prefetch).
 */
export async function openForCheck(
  cwd: string,
  options: { prePush?: boolean; staged?: boolean; against?: string | undefined; fix?: boolean },
): Promise<GitRepo> {
  const repo = await GitRepo.open(cwd);
  if (!options.prePush && !options.staged) {
    const base = options.against || options.fix ? [] : [HEAD_AND_UPSTREAM];
    repo.prefetch([WORKTREE_LISTING, INDEX_TO_WORKTREE, ignoredQuery(SCHEMA_PATHSPECS), ...base]);
  }
  return repo;
}
