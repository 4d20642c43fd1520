import { bufFailure } from "./buf-failure.js";
import { repoPathFromWorkspace } from "./module-paths.js";
import { runBuf } from "./run-buf.js";

/**
 * The .proto files of every module of the buf workspace in `cwd` (its folder `workspaceDir` in
 * the repository), as repository paths, sorted: what `buf lint` without `--path` checks there,
 * listed by buf itself (`buf ls-files`, its excludes applied, imports left out).
 */
export async function listModuleFiles(cwd: string, workspaceDir: string): Promise<string[]> {
  const r = await runBuf(["ls-files", "--format", "json"], { cwd });
  if (r.code !== 0) throw bufFailure("buf ls-files", r);
  return r.stdout
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => repoPathFromWorkspace(workspaceDir, (JSON.parse(line) as { path: string }).path))
    .sort();
}
