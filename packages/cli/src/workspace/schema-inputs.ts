import { untrackedPaths } from "../git/diff.js";
import type { GitRepo } from "../git/git.js";
import { materialize, type RevisionTree } from "./revision-tree.js";

/**
 * Which paths are schema inputs, as git pathspecs: every .proto anywhere plus any buf
 * configuration file. They need no configuration, so a diff can run before buf.yaml is read.
 */
export const SCHEMA_PATHSPECS: readonly string[] = ["*.proto", ":(glob)**/buf.yaml", ":(glob)**/buf.lock", ":(glob)**/buf.work.yaml"];

/**
 * The schema inputs as they are at `commit`, from git's objects, in a folder buf can read (see
 * {@link materialize}); dispose of it when done.
 */
export async function schemaTreeAtCommit(repo: GitRepo, commit: string): Promise<RevisionTree> {
  const untracked = await untrackedPaths(repo, SCHEMA_PATHSPECS);
  return materialize(repo, { kind: "commit", sha: commit }, SCHEMA_PATHSPECS, untracked);
}
