import { parseNameStatus, type FileChange, type Side } from "../git/diff.js";
import type { GitRepo } from "../git/git.js";
import { createOverlayTree } from "./overlay-tree.js";

/** A folder holding the repository's relevant files as they are on one side of a comparison. */
export interface RevisionTree {
  dir: string;
  dispose(): Promise<void>;
}

const inPlace = (repo: GitRepo): RevisionTree => ({ dir: repo.root, dispose: async () => {} });

/**
 * Materialises `side` for buf. The working tree is used in place; a commit becomes an overlay of
 * the working tree with just the files (among `pathspecs`) that differ from it. When a commit
 * equals the working tree for those files (the usual pre-push), nothing is written.
 *
 * @param untracked untracked files matching the pathspecs (absent from any commit)
 * @param fromWorktree the commit→working-tree changes, when the caller already has them
 */
export async function materialize(
  repo: GitRepo,
  side: Side,
  pathspecs: readonly string[],
  untracked: readonly string[],
  fromWorktree?: readonly FileChange[],
): Promise<RevisionTree> {
  if (side.kind === "worktree") return inPlace(repo);
  const rev = side.kind === "commit" ? side.sha : "";
  // `git diff <rev>` compares rev with the working tree; plain `git diff` the index with it.
  const differing =
    fromWorktree ?? parseNameStatus(await repo.query(["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-color", ...(rev ? [rev] : []), "--", ...pathspecs]));
  const overrides = new Map<string, Uint8Array | null>();
  for (const file of untracked) overrides.set(file, null);
  await Promise.all(
    differing.map(async (change) => {
      // "A" here means the file is in the working tree but not at rev.
      overrides.set(change.path, change.status === "A" ? null : await repo.readBlob(rev, change.path));
    }),
  );
  if (overrides.size === 0) return inPlace(repo);
  return createOverlayTree(repo.root, overrides);
}
