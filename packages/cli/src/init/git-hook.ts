import { readFile } from "node:fs/promises";
import path from "node:path";
import type { GitRepo } from "../git/git.js";
import { applyPlan, type FileOutcome } from "./file-plan.js";
import { HOOK_MARKER, hookScript } from "./templates.js";

/**
 * Installs the pre-push hook where git looks for hooks (`git rev-parse --git-path hooks`, which
 * follows core.hooksPath and worktrees). A pre-push hook that protoship did not write is kept
 * unless `force`: it is someone else's gate.
 */
export async function installGitHook(repo: GitRepo, options: { force: boolean; dryRun: boolean }): Promise<FileOutcome> {
  const hooksDir = path.resolve(repo.root, (await repo.query(["rev-parse", "--git-path", "hooks"])).trim());
  const file = path.join(hooksDir, "pre-push");
  const current = await readFile(file, "utf8").catch(() => undefined);
  // Our own hook (an older version of it) may always be rewritten.
  const ours = current?.includes(HOOK_MARKER) ?? false;
  const [outcome] = await applyPlan(hooksDir, [{ kind: "owned", path: "pre-push", content: hookScript(), executable: true }], {
    force: options.force || ours,
    dryRun: options.dryRun,
  });
  return { ...outcome!, path: path.relative(repo.root, file).split(path.sep).join("/") };
}
