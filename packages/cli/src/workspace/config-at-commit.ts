import { CONFIG_FILE, loadConfig } from "../config/load-config.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { EnvironmentError } from "../errors.js";
import type { GitRepo } from "../git/git.js";
import { materializeCommit } from "./commit-tree.js";

/**
 * protoship.yaml as committed at `commit` (defaults when the commit has none), validated like
 * the working tree's: what a release or a publish does is decided by what was committed, never
 * by an uncommitted or git-ignored edit.
 */
export async function configAtCommit(repo: GitRepo, commit: string): Promise<ProtoshipConfig> {
  const tree = await materializeCommit(repo, commit, [`:(literal)${CONFIG_FILE}`]);
  try {
    return await loadConfig(tree.dir);
  } finally {
    await tree.dispose();
  }
}

/** {@link configAtCommit} at HEAD; a repository without commits is an environment error. */
export async function configAtHead(repo: GitRepo): Promise<{ head: string; config: ProtoshipConfig }> {
  const head = await repo.resolveCommit("HEAD");
  if (!head) throw new EnvironmentError("the repository has no commits yet", "commit the schema first");
  return { head, config: await configAtCommit(repo, head) };
}
