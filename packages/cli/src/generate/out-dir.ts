import path from "node:path";
import { resolveRepoPath } from "../fs/repo-path.js";
import type { Project } from "../project/project.js";

/**
 * The folder the stub packages go to, resolved in one place: `--out-dir` (relative to the folder
 * the command runs in) when given, else protoship.yaml's `stubs.outDir`; either must stay inside
 * the repository and out of `.git`.
 */
export function stubsOutDir(project: Project, flag?: { cwd: string; outDir: string }): string {
  if (!flag) return resolveRepoPath(project.root, project.config.stubs.outDir, { label: "stubs.outDir", output: true });
  const fromRoot = path.relative(project.root, path.resolve(flag.cwd, flag.outDir)) || ".";
  return resolveRepoPath(project.root, fromRoot, { label: "--out-dir", output: true });
}

/**
 * The packages' folder as the repository names it (package.json's `repository.directory`):
 * outDir relative to the root, or stubs.outDir for an outDir outside the repository (publish's
 * scratch folder).
 */
export function packagesFolderOf(project: Project, outDir: string): string {
  const rel = path.relative(project.root, outDir).split(path.sep).join("/");
  return rel.startsWith("../") || path.isAbsolute(rel) ? path.posix.normalize(project.config.stubs.outDir) : rel;
}
