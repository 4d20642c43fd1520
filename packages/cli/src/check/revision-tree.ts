import { parseNameStatus, untrackedPaths, type Side } from "../git/diff.js";
import type { GitRepo } from "../git/git.js";
import { createOverlayTree } from "./overlay-tree.js";

/** A folder holding the repository's relevant files as they are on one side of a comparison. */
export interface RevisionTree {
  dir: string;
  dispose(): Promise<void>;
}

/**
 * Materialises `side` for buf. The working tree is used in place; a commit or the index becomes
 * an overlay of the working tree with just the files (among `pathspecs`) that differ from it.
 * When a commit equals the working tree for those files (the usual pre-push), nothing is written.
 */
export async function materialize(repo: GitRepo, side: Side, pathspecs: readonly string[]): Promise<RevisionTree> {
  if (side.kind === "worktree") return { dir: repo.root, dispose: async () => {} };
  const rev = side.kind === "commit" ? side.sha : "";
  // `git diff <rev>` compares rev with the working tree; plain `git diff` the index with it.
  const changes = await repo.raw(["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-color", ...(rev ? [rev] : []), "--", ...pathspecs]);
  const differing = parseNameStatus(changes);
  const untracked = await untrackedPaths(repo, pathspecs);
  if (differing.length === 0 && untracked.length === 0) return { dir: repo.root, dispose: async () => {} };
  const overrides = new Map<string, Uint8Array | null>();
  for (const file of untracked) overrides.set(file, null);
  await Promise.all(
    differing.map(async (change) => {
      // "A" here means the file is in the working tree but not at rev.
      overrides.set(change.path, change.status === "A" ? null : await repo.readBlob(rev, change.path));
    }),
  );
  return createOverlayTree(repo.root, overrides);
}
