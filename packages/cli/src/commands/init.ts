import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { DEFAULTS } from "../config/defaults.js";
import { ConfigError, EnvironmentError, ExitCode } from "../errors.js";
import { GitRepo } from "../git/git.js";
import { type Baseline, measureBaseline } from "../init/baseline.js";
import { applyPlan, type FileOutcome, type PlannedFile, planFiles, writePlanned } from "../init/file-plan.js";
import { gitHookFile } from "../init/git-hook.js";
import { resolveTarget } from "../init/target-path.js";
import { mergeBufYaml, mergeGitignore, mergeLefthook, mergePackageJson, mergePnpmWorkspace } from "../init/merges.js";
import { findModuleRoots } from "../init/module-roots.js";
import { chooseScope, surveyRepository, type RepositorySurvey } from "../init/survey.js";
import { bufYaml, gitignoreLines, hookScript, protoshipYaml } from "../init/templates.js";
import { publishMinutes, pullRequestWorkflow, releaseWorkflow } from "../init/workflows.js";
import { protoshipVersion } from "../version.js";
import { stubRootDevDependencies } from "../generate/stub-toolchain.js";

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
}

/**
 * `protoship init`: everything a repository with .proto files needs to use protoship, decided
 * first and then written (see applyPlan): idempotent, and a file the user changed is kept unless
 * `--force`. Never prompts.
 */
export function init(options: InitOptions): Promise<CommandResult> {
  return collectOutput((write, note) => runInit(options, write, note));
}

async function runInit(options: InitOptions, write: Write, note: Write): Promise<Verdict> {
  if (options.hooksOnly) return installHookOnly(options, write, note);

  const repo = await GitRepo.open(options.cwd);
  const project = await surveyRepository(repo);
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
  // The baseline is measured once, when protoship is first set up (no protoship.yaml yet): a rerun
  // must not turn new violations into accepted debt.
  // The files init reads before planning are checked first, as every file it writes will be.
  for (const file of ["protoship.yaml", DEFAULTS.bufYaml]) await resolveTarget(project.root, file, project.root);
  const existingConfig = await readText(path.join(project.root, "protoship.yaml"));
  const firstRun = existingConfig === undefined;

  const buf = await planBufYaml(project, firstRun);
  files.push(buf.file);
  notes.push(...buf.notes);
  const formatBaseline = firstRun ? buf.baseline.unformatted : recordedFormatBaseline(existingConfig);
  files.push({
    kind: "owned",
    path: "protoship.yaml",
    content: protoshipYaml({ scope, outDir, branch: project.defaultBranch, formatBaseline }),
  });
  let hook: PlannedFile;
  if (project.hookManager === "husky") hook = { kind: "owned", path: ".husky/pre-push", content: hookScript(), executable: true };
  else if (project.hookManager === "lefthook") {
    const lefthookFile = project.lefthookFile!;
    hook = { kind: "merged", path: lefthookFile, merge: (c) => mergeLefthook(lefthookFile, c, LEFTHOOK_RUN) };
  } else hook = await gitHookFile(repo, options.force);
  files.push(hook);
  const workflowInputs = {
    packageManager: project.packageManager,
    defaultBranch: project.defaultBranch,
    publishMinutes: publishMinutes(buf.packages),
  };
  files.push({ kind: "owned", path: ".github/workflows/protoship-pull-request.yml", content: pullRequestWorkflow(workflowInputs) });
  files.push({ kind: "owned", path: ".github/workflows/protoship-release.yml", content: releaseWorkflow(workflowInputs) });
  files.push({ kind: "merged", path: ".gitignore", merge: (c) => mergeGitignore(c, gitignoreLines(outDir, DEFAULTS.docs.outDir)) });
  const devDependencies = { protoship: `^${protoshipVersion()}`, ...stubRootDevDependencies() };
  const folder = path
    .basename(project.root)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-");
  const additions = {
    devDependencies,
    prepareHook: project.hookManager === "git",
    // npm builds the stubs as workspaces of the root; pnpm does through pnpm-workspace.yaml.
    workspace: project.packageManager.name === "npm" ? `${outDir}/*` : undefined,
  };
  files.push({ kind: "merged", path: "package.json", merge: (c) => mergePackageJson(c, folder, additions) });
  if (project.packageManager.name === "pnpm") {
    files.push({
      kind: "merged",
      path: "pnpm-workspace.yaml",
      merge: (c) => mergePnpmWorkspace(c, { deniedBuilds: UNNEEDED_BUILDS, stubs: `${outDir}/*` }),
    });
  }

  // Every file is decided (paths checked, merges done) before the first one is written.
  const planned = await planFiles(project.root, files, { force: options.force });
  if (!options.dryRun) await writePlanned(planned);
  report(
    planned.map((p) =>
      p.path === DEFAULTS.bufYaml && buf.userOwned && p.action !== "updated" ? { ...p, action: "kept" as const, userFile: true } : p,
    ),
    options.dryRun,
    write,
  );
  for (const note of notes) write(`${note}\n`);
  if (!options.dryRun) {
    const install = project.packageManager.name === "pnpm" ? "pnpm install" : "npm install";
    const hookOutcome = planned.find((p) => p.path === (hook.shown ?? hook.path))!;
    const gate = runsCheck(hookOutcome.content)
      ? "git push runs protoship check --pre-push"
      : `your pre-push hook ${hookOutcome.path} was kept and does not run protoship check: add \`node_modules/.bin/protoship check --pre-push "$@"\` to it, or replace it with protoship init --force`;
    write(`next: ${install} (adds the stub toolchain), then commit these files; ${gate}\n`);
  }
  return ExitCode.Ok;
}

/** The lefthook command: protoship with git's arguments ({1} {2}) and the pushed refs on stdin. */
const LEFTHOOK_RUN = "node_modules/.bin/protoship check --pre-push {1} {2}";

/** Whether a hook file (or lefthook.yml) runs protoship's gate. */
function runsCheck(content: string): boolean {
  return /protoship"? check --pre-push/.test(content);
}

/** buf.yaml as init plans it, the notes init prints about it, and the baseline it measured. */
interface BufYamlPlan {
  file: PlannedFile;
  /** The repository had its own buf.yaml (init edits it minimally, never replaces it). */
  userOwned: boolean;
  notes: string[];
  baseline: Baseline;
  /** Proto packages in the API (sizes the publish job). */
  packages: number;
}

const NO_BASELINE: Baseline = { ignoreOnly: {}, unformatted: [], problems: [] };

/**
 * A new buf.yaml with the module roots buf compiles from, or the user's own one with
 * node_modules excluded; on the first run, with the lint baseline measured under it.
 */
async function planBufYaml(project: RepositorySurvey, firstRun: boolean): Promise<BufYamlPlan> {
  const file = DEFAULTS.bufYaml;
  const current = await readText(path.join(project.root, file));
  if (current === undefined) {
    const { roots, error, packages } = await findModuleRoots(project.root, project.protoFiles);
    const baseline = firstRun && !error ? await measureBaseline(project.root, bufYaml(roots), roots, project.protoFiles) : NO_BASELINE;
    const notes = [
      error
        ? `buf.yaml: no module roots compile every file; proposed ${roots.join(", ")} (buf: ${error})`
        : `buf.yaml: module roots ${roots.join(", ")} (buf build compiles every file)`,
      ...describeBaseline(baseline, project.packageManager.name === "pnpm"),
    ];
    return {
      file: { kind: "owned", path: file, content: bufYaml(roots, baseline.ignoreOnly), createOnly: true },
      userOwned: false,
      notes,
      baseline,
      packages,
    };
  }
  const bare = mergeBufYaml(file, current, { ignoreOnly: {} });
  const baseline = firstRun ? await measureBaseline(project.root, bare.text, moduleRootsOf(bare.text), project.protoFiles) : NO_BASELINE;
  const merged = mergeBufYaml(file, current, { ignoreOnly: baseline.ignoreOnly });
  const notes = merged.changes.length > 0 ? [`buf.yaml: yours, edited only where needed: ${merged.changes.join("; ")}`] : [];
  notes.push(...describeBaseline(baseline, project.packageManager.name === "pnpm"));
  const packages = new Set(project.protoFiles.map((f) => path.posix.dirname(f))).size;
  return {
    file: { kind: "merged", path: file, merge: (c) => mergeBufYaml(file, c ?? "", { ignoreOnly: baseline.ignoreOnly }).text },
    userOwned: true,
    notes,
    baseline,
    packages,
  };
}

/** A v2 buf.yaml's module roots (`.` when it lists none); undefined for another version. */
function moduleRootsOf(text: string): string[] | undefined {
  const config = parse(text) as { version?: unknown; modules?: { path?: unknown }[] } | null;
  if (config?.version !== "v2") return undefined;
  const roots = (Array.isArray(config.modules) ? config.modules : []).map((m) => String(m?.path ?? ".").replace(/\/$/, "") || ".");
  return roots.length > 0 ? roots : ["."];
}

/** What init tells the user about the debt it recorded. */
function describeBaseline(baseline: Baseline, pnpm: boolean): string[] {
  const lines: string[] = [];
  const rules = Object.entries(baseline.ignoreOnly);
  if (rules.length > 0) {
    const files = new Set(rules.flatMap(([, f]) => f)).size;
    lines.push(
      `baseline: existing lint findings recorded in buf.yaml lint.ignore_only (${rules.length} rule${rules.length === 1 ? "" : "s"}, ${files} file${files === 1 ? "" : "s"}: ${rules.map(([r]) => r).join(", ")}); only new violations fail`,
    );
  }
  const n = baseline.unformatted.length;
  if (n > 0) {
    lines.push(
      `baseline: ${n} unformatted file${n === 1 ? "" : "s"} recorded in protoship.yaml check.formatBaseline; the format step skips ${n === 1 ? "it" : "them"} until formatted`,
    );
  }
  if (rules.length > 0 || n > 0) {
    const [exec, buf] = pnpm ? ["pnpm exec", "pnpm dlx @bufbuild/buf"] : ["npx", "npx buf"];
    lines.push(
      `baseline: to pay it down (README: "Adopting on an existing API"): delete entries from lint.ignore_only and run ${exec} protoship check to see what to fix; run ${buf} format -w <file> and delete the file from check.formatBaseline`,
    );
  }
  for (const problem of baseline.problems) lines.push(`baseline: not measured (${problem})`);
  return lines;
}

/** check.formatBaseline of an existing protoship.yaml (kept on a rerun); [] when absent or unreadable. */
function recordedFormatBaseline(text: string | undefined): string[] {
  try {
    const list = (parse(text ?? "") as { check?: { formatBaseline?: unknown } } | null)?.check?.formatBaseline;
    return Array.isArray(list) && list.every((f) => typeof f === "string") ? list : [];
  } catch {
    return [];
  }
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").catch(() => undefined);
}

async function installHookOnly(options: InitOptions, write: Write, note: Write): Promise<Verdict> {
  let repo: GitRepo;
  try {
    repo = await GitRepo.open(options.cwd);
  } catch (error) {
    // `npm install` outside a clone (a packed tarball, a CI cache): nothing to hook into.
    if (error instanceof EnvironmentError) return ExitCode.Ok;
    throw error;
  }
  try {
    report(await applyPlan(repo.root, [await gitHookFile(repo, options.force)], options), options.dryRun, write);
  } catch (error) {
    // The prepare script of every `npm install`: a hook init may not write (core.hooksPath outside
    // the repository, a link out of it) is said, and the install goes on without it.
    if (!(error instanceof ConfigError)) throw error;
    note(`protoship: the pre-push hook was not installed: ${error.message}\n`);
  }
  return ExitCode.Ok;
}

function report(outcomes: readonly (FileOutcome & { userFile?: boolean })[], dryRun: boolean, write: (text: string) => void): void {
  for (const o of outcomes) {
    if (o.userFile) {
      write(`kept ${o.path} (yours: init never replaces it)\n`);
    } else if (o.action === "kept") {
      write(`kept ${o.path} (it differs from what protoship init writes; --force replaces it)\n`);
    } else if (dryRun && o.action !== "unchanged") {
      write(`would ${o.action === "created" ? "create" : "update"} ${o.path}:\n${o.content.replace(/^/gm, "  ")}\n`);
    } else {
      write(`${o.action} ${o.path}\n`);
    }
  }
}
