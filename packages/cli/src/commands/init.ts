import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULTS } from "../config/defaults.js";
import { ConfigError, EnvironmentError, ExitCode } from "../errors.js";
import { GitRepo } from "../git/git.js";
import { applyPlan, type FileOutcome, type PlannedFile } from "../init/file-plan.js";
import { installGitHook } from "../init/git-hook.js";
import { mergeGitignore, mergeLefthook, mergePackageJson, mergePnpmWorkspace } from "../init/merges.js";
import { findModuleRoots } from "../init/module-roots.js";
import { chooseScope, readProject } from "../init/project.js";
import { bufYaml, gitignoreLines, hookScript, protoshipYaml, pullRequestWorkflow, releaseWorkflow } from "../init/templates.js";
import { protoshipVersion } from "../version.js";
import { stubRootDevDependencies } from "../workspace/stub-toolchain.js";

/**
 * Dependencies whose install scripts protoship does not need: it runs buf's platform binary
 * itself, and protobufjs (under @grpc/grpc-js) works without its postinstall.
 */
const UNNEEDED_BUILDS = ["@bufbuild/buf", "protobufjs"];

/** Options of `protoship init`. */
export interface InitOptions {
  cwd: string;
  scope?: string;
  /** Replace owned files that differ from what init writes. */
  force: boolean;
  /** Print, write nothing. */
  dryRun: boolean;
  /** Only (re)install the plain git hook: what the `prepare` script runs. */
  hooksOnly: boolean;
  write?: (text: string) => void;
}

/**
 * `protoship init`: everything a repository with .proto files needs to use protoship, decided
 * first and then written (see applyPlan): idempotent, and a file the user changed is kept unless
 * `--force`. Never prompts.
 */
export async function init(options: InitOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  if (options.hooksOnly) return installHookOnly(options, write);

  const repo = await GitRepo.open(options.cwd);
  const project = await readProject(repo);
  if (project.protoFiles.length === 0) {
    throw new ConfigError(
      `no .proto files in ${repo.root}`,
      "add the .proto files (tracked or not ignored by git), then run protoship init",
    );
  }
  const scope = chooseScope(project, options.scope);
  const outDir = DEFAULTS.stubs.outDir;
  const files: PlannedFile[] = [];
  const notes: string[] = [];

  if (!existsSync(path.join(project.root, DEFAULTS.bufYaml))) {
    const { roots, error } = await findModuleRoots(project.root, project.protoFiles);
    files.push({ kind: "owned", path: DEFAULTS.bufYaml, content: bufYaml(roots), createOnly: true });
    notes.push(
      error
        ? `buf.yaml: no module roots compile every file; proposed ${roots.join(", ")} (buf: ${error})`
        : `buf.yaml: module roots ${roots.join(", ")} (buf build compiles every file)`,
    );
  }
  files.push({ kind: "owned", path: "protoship.yaml", content: protoshipYaml(scope, project, outDir) });
  if (project.hookManager === "husky") files.push({ kind: "owned", path: ".husky/pre-push", content: hookScript(), executable: true });
  if (project.hookManager === "lefthook") {
    files.push({
      kind: "merged",
      path: project.lefthookFile!,
      merge: (c) => mergeLefthook(c, "node_modules/.bin/protoship check --pre-push {1} {2}"),
    });
  }
  files.push({ kind: "owned", path: ".github/workflows/protoship-pull-request.yml", content: pullRequestWorkflow(project) });
  files.push({ kind: "owned", path: ".github/workflows/protoship-release.yml", content: releaseWorkflow(project) });
  files.push({ kind: "merged", path: ".gitignore", merge: (c) => mergeGitignore(c, gitignoreLines(outDir, DEFAULTS.docs.outDir)) });
  const devDependencies = { protoship: `^${protoshipVersion()}`, ...stubRootDevDependencies() };
  const folder = path
    .basename(project.root)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-");
  const additions = {
    devDependencies,
    prepareHook: project.hookManager === "git",
    // npm builds the stubs as workspaces of the root; a pnpm workspace is the user's choice (it changes how `pnpm add` works).
    workspace: project.packageManager.name === "npm" ? `${outDir}/*` : undefined,
  };
  files.push({ kind: "merged", path: "package.json", merge: (c) => mergePackageJson(c, folder, additions) });
  if (project.packageManager.name === "pnpm")
    files.push({ kind: "merged", path: "pnpm-workspace.yaml", merge: (c) => mergePnpmWorkspace(c, UNNEEDED_BUILDS) });

  const outcomes = await applyPlan(project.root, files, { force: options.force, dryRun: options.dryRun });
  if (project.hookManager === "git") outcomes.push(await installGitHook(repo, { force: options.force, dryRun: options.dryRun }));
  report(outcomes, options.dryRun, write);
  for (const note of notes) write(`${note}\n`);
  if (!options.dryRun) {
    const install = project.packageManager.name === "pnpm" ? "pnpm install" : "npm install";
    write(`next: ${install} (adds the stub toolchain), then commit these files; git push runs protoship check --pre-push\n`);
  }
  return ExitCode.Ok;
}

async function installHookOnly(options: InitOptions, write: (text: string) => void): Promise<number> {
  let repo: GitRepo;
  try {
    repo = await GitRepo.open(options.cwd);
  } catch (error) {
    // `npm install` outside a clone (a packed tarball, a CI cache): nothing to hook into.
    if (error instanceof EnvironmentError) return ExitCode.Ok;
    throw error;
  }
  report([await installGitHook(repo, { force: options.force, dryRun: options.dryRun })], options.dryRun, write);
  return ExitCode.Ok;
}

function report(outcomes: readonly FileOutcome[], dryRun: boolean, write: (text: string) => void): void {
  for (const o of outcomes) {
    if (o.action === "kept") {
      write(`kept ${o.path} (it differs from what protoship init writes; --force replaces it)\n`);
    } else if (dryRun && o.action !== "unchanged") {
      write(`would ${o.action === "created" ? "create" : "update"} ${o.path}:\n${o.content.replace(/^/gm, "  ")}\n`);
    } else {
      write(`${o.action} ${o.path}\n`);
    }
  }
}
