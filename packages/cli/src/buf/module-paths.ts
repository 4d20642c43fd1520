import type { BufModule, BufWorkspace } from "./buf-config.js";

/**
 * The one mapping between the three ways a .proto file is named: by its repository path, by its
 * path relative to the buf workspace folder (where buf runs, and what its findings and `--path`
 * use), and by its path relative to its module root (how images name files).
 */

/** A path relative to the workspace folder `workspaceDir` ("" for the root) as a repository path. */
export function repoPathFromWorkspace(workspaceDir: string, workspacePath: string): string {
  return workspaceDir ? `${workspaceDir}/${workspacePath}` : workspacePath;
}

/** A repository path inside the workspace folder, relative to that folder. */
export function workspacePathOf(workspaceDir: string, repoPath: string): string {
  return workspaceDir ? repoPath.slice(workspaceDir.length + 1) : repoPath;
}

/** A module-relative file as a repository path, in the module at `moduleRoot` ("" for the root). */
export function repoPathInModule(moduleRoot: string, moduleFile: string): string {
  return moduleRoot ? `${moduleRoot}/${moduleFile}` : moduleFile;
}

/** A repository path inside `module`, relative to the module root, as images name it. */
export function moduleRelative(module: Pick<BufModule, "root">, repoPath: string): string {
  return module.root === "" ? repoPath : repoPath.slice(module.root.length + 1);
}

/**
 * The repository paths a module-relative file can have, one per module, in the order buf.yaml
 * lists them. Which one is meant (several modules may hold the same relative path) is the
 * caller's question: the module that holds the file on disk, or whose excludes allow it.
 */
export function repoPathCandidates(workspace: BufWorkspace, moduleFile: string): string[] {
  return workspace.modules.map((m) => repoPathInModule(m.root, moduleFile));
}
