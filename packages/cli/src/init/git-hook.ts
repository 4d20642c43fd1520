import { readFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../errors.js";
import type { GitReader } from "../git/git.js";
import type { PlannedFile } from "./file-plan.js";
import { HOOK_MARKER, hookScript } from "./templates.js";

/**
 * The pre-push hook where git looks for hooks (`git rev-parse --git-path hooks`, which follows
 * core.hooksPath and worktrees), as a planned file. A pre-push hook that protoship did not write
 * is kept unless `force`: it is someone else's gate. A hooks folder outside the repository and its
 * git folder (a global core.hooksPath) is refused: the hook would run in every repository.
 */
export async function gitHookFile(repo: GitReader, force: boolean): Promise<PlannedFile> {
  const { hooks, commonDir } = await repo.gitPaths();
  const hooksDir = path.resolve(repo.root, hooks);
  const gitDir = path.resolve(repo.root, commonDir);
  const area = [repo.root, gitDir].find((dir) => !path.relative(dir, hooksDir).startsWith(".."));
  if (!area) {
    throw new ConfigError(
      `core.hooksPath is ${hooksDir}, outside this repository: protoship init writes only inside it`,
      "unset core.hooksPath for this repository (git config --unset core.hooksPath), or call protoship check --pre-push from that hook yourself",
    );
  }
  const file = path.join(hooksDir, "pre-push");
  const current = await readFile(file, "utf8").catch(() => undefined);
  // Our own hook (an older version of it) may always be rewritten.
  const ours = current?.includes(HOOK_MARKER) ?? false;
  return {
    kind: "owned",
    base: area,
    path: path.relative(area, file).split(path.sep).join("/"),
    shown: path.relative(repo.root, file).split(path.sep).join("/"),
    content: hookScript(),
    executable: true,
    force: force || ours,
  };
}
