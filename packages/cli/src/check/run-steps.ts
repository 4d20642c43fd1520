import { mkdir, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import { breaking, ruleGroups } from "../buf/breaking.js";
import { BUF_FINDINGS, bufFailure } from "../buf/buf-failure.js";
import { firstComplaint, parseDiagnostics } from "../buf/diagnostics.js";
import { moduleRelative, repoPathCandidates, repoPathFromWorkspace, repoPathInModule, workspacePathOf } from "../buf/module-paths.js";
import { parseBufFindings, toFinding } from "../buf/parse-findings.js";
import { bufPathArgs } from "../buf/path-args.js";
import { runBuf } from "../buf/run-buf.js";
import { ProtoshipError } from "../errors.js";
import type { Finding, Step } from "../report/finding.js";
import { runFormat } from "./format-step.js";
import type { Targets } from "./select-targets.js";
import { makeTempDir } from "../fs/temp-dir.js";

/** Inputs of one comparison, materialised on disk. */
export interface StepInputs {
  workspace: BufWorkspace;
  targets: Targets;
  /** Folder holding the checked side (the repository root or an overlay of it). */
  headDir: string;
  /**
   * Folder holding the base side (still being written when steps start), or undefined when there is
   * no base (first commit) or its image is `cachedBase`.
   */
  baseDir: Promise<string> | undefined;
  /** The base's image ({@link baseBuildArgs}) from the cache: no overlay is read, no build runs. */
  cachedBase?: Buffer | undefined;
  /** Told the base's image once buf built it (for the cache). */
  onBaseImage?: (image: Buffer) => void;
  steps: ReadonlySet<Step>;
  /** The working tree (where --fix writes, and whose links are never written through). */
  worktree: string;
  /** Rewrite unformatted files in the working tree instead of reporting them. */
  fix: boolean;
  /** Told the repository path of each file --fix rewrote. */
  onFixed?: (file: string) => void;
  /**
   * Every .proto file of either side (repository paths), when buf's configuration changed
   * (`targets.full`): breaking checks each file with its module's rules, so it must know them all.
   */
  allFiles?: readonly string[] | undefined;
  /** Repository-relative files whose format findings are known debt (protoship.yaml check.formatBaseline). */
  formatBaseline?: ReadonlySet<string>;
  /** The module root whose head folder buf breaking may read in place (the plan's {@link ComparisonPlan.breakingFolder}). */
  breakingFolder?: string | undefined;
  /** Told once buf no longer reads `baseDir` (the base image is built, or failed). */
  onBaseBuilt?: () => void;
}

/**
 * Runs buf format, lint and breaking for one comparison, concurrently, and returns buf's findings
 * with repository-relative paths.
 */
export async function runSteps(inputs: StepInputs): Promise<Finding[]> {
  const { targets, workspace } = inputs;
  const cwd = (dir: string): string => path.join(dir, ...workspace.dir.split("/").filter(Boolean));
  const pathArgs = (files: readonly string[]): string[] => targetPathArgs(workspace, targets, files);
  const toRepoPath = (p: string): string => repoPathFromWorkspace(workspace.dir, p);
  const hasHead = targets.full || targets.headFiles.length > 0;
  const jobs: Promise<Finding[]>[] = [];

  if (inputs.steps.has("format") && hasHead) {
    const format = runFormat({
      workspace,
      cwd: cwd(inputs.headDir),
      files: targets.full ? undefined : targets.headFiles.map((f) => workspacePathOf(workspace.dir, f)),
      toRepoPath,
      fixIn: inputs.fix ? inputs.worktree : undefined,
      worktree: inputs.worktree,
      ...(inputs.onFixed ? { onFixed: inputs.onFixed } : {}),
    });
    // --fix replaces the files lint and build read, so it must finish first.
    if (inputs.fix) await format;
    const baseline = inputs.formatBaseline;
    jobs.push(baseline && baseline.size > 0 ? format.then((found) => found.filter((f) => !baseline.has(f.file))) : format);
  }
  if (inputs.steps.has("lint") && hasHead) {
    jobs.push(
      runBuf(["lint", "--error-format", "json", ...pathArgs(targets.headFiles)], { cwd: cwd(inputs.headDir) }).then((r) =>
        parseBufFindings(r, "lint", (p) => toRepoPath(p ?? workspace.configFile)),
      ),
    );
  }
  if (inputs.steps.has("breaking") && (inputs.baseDir || inputs.cachedBase) && (targets.full || targets.baseFiles.length > 0)) {
    jobs.push(runBreaking(inputs, cwd, pathArgs));
  }
  return dedupe((await Promise.all(jobs)).flat());
}

/**
 * buf breaking of the head against an image of the base built with the same --path filter.
 * Comparing with an image (rather than `--against .git#…`) avoids cloning the repository. When
 * the plan allows it (`breakingFolder`) and that folder is a real one on the head side, buf reads
 * the head module's folder itself ({@link breakingInFolder}); otherwise both sides are images
 * ({@link breakingOfImages}).
 */
async function runBreaking(inputs: StepInputs, cwd: (dir: string) => string, pathArgs: PathArgs): Promise<Finding[]> {
  const root = inputs.breakingFolder;
  const folder = await realFolder(inputs.headDir, root);
  return root === undefined || folder === undefined ? breakingOfImages(inputs, cwd, pathArgs) : breakingInFolder(inputs, root, folder, cwd);
}

type PathArgs = (files: readonly string[]) => string[];

/**
 * `buf build`'s arguments for the base's image, of the base targets and their imports, on standard
 * output. The base needs no source info: findings point into the head.
 */
export function baseBuildArgs(workspace: BufWorkspace, targets: Targets): string[] {
  return ["build", "--error-format", "json", "--exclude-source-info", "-o", "-", ...targetPathArgs(workspace, targets, targets.baseFiles)];
}

/** buf's `--path` arguments for `files` (repository paths) of a comparison: none when every file is checked (`full`). */
function targetPathArgs(workspace: BufWorkspace, targets: Targets, files: readonly string[]): string[] {
  return targets.full ? [] : bufPathArgs(files.map((f) => workspacePathOf(workspace.dir, f)));
}

/**
 * The base's image: the cached one, or built by buf in the base's folder ({@link baseBuildArgs})
 * and told to `onBaseImage`. A base that does not compile cannot be compared: that is the error.
 */
async function buildBase(inputs: StepInputs, cwd: (dir: string) => string): Promise<Buffer> {
  if (inputs.cachedBase) return inputs.cachedBase;
  const baseDir = await inputs.baseDir!;
  const base = await runBuf(baseBuildArgs(inputs.workspace, inputs.targets), { cwd: cwd(baseDir), binary: true }).finally(() =>
    inputs.onBaseBuilt?.(),
  );
  if (base.code !== 0 && base.code !== BUF_FINDINGS) throw bufFailure("buf build (base)", base);
  if (base.code !== 0) {
    throw new ProtoshipError(
      `the base does not compile, so breaking changes cannot be checked: ${firstComplaint(base.stdout || base.stderr, "")}`,
      { hint: "pass --against <ref> with a base that builds, or --skip breaking" },
    );
  }
  const image = base.stdoutBytes ?? Buffer.alloc(0);
  inputs.onBaseImage?.(image);
  return image;
}

/**
 * `buf breaking` of the head module's folder `folder` (the plan's `breakingFolder`, the module at `root`), limited to
 * the head targets, against the base's image, under buf.yaml's own rules: no head image is built,
 * written and read back. buf starts at once and compiles the head while the base is built; the
 * base's image reaches it on standard input. A head that does not compile is reported by lint as
 * COMPILE findings: here too, as lint's (the two are deduplicated).
 */
async function breakingInFolder(inputs: StepInputs, root: string, folder: string, cwd: (dir: string) => string): Promise<Finding[]> {
  const base = buildBase(inputs, cwd);
  const paths = bufPathArgs(inputs.targets.headFiles.map((f) => moduleRelative({ root }, f)));
  const args = ["breaking", ".", "--against", "-#format=binpb", "--exclude-imports", "--error-format", "json", ...paths];
  const run = runBuf(args, { cwd: folder, input: base });
  run.catch(() => {}); // awaited below, after the base's own failure
  await base;
  const result = await run;
  const compiles = !parseDiagnostics(result.stdout).some((d) => d.type === "COMPILE");
  return parseBufFindings(result, compiles ? "breaking" : "lint", (p) => (p ? repoPathInModule(root, p) : ""));
}

/**
 * buf breaking between two images built with the same --path filter, which lets a side where
 * every targeted file was deleted still be compared: that is how a deleted or renamed file is
 * reported. Each file is compared under its module's rules ({@link ruleGroups}).
 */
async function breakingOfImages(inputs: StepInputs, cwd: (dir: string) => string, pathArgs: PathArgs): Promise<Finding[]> {
  const { workspace, targets } = inputs;
  const scratch = await makeTempDir("protoship-images-");
  const tmp = scratch.dir;
  try {
    const baseImage = path.join(tmp, "base.binpb");
    const headImage = path.join(tmp, "head.binpb");
    const headSource = targets.full || targets.headFiles.length > 0 ? cwd(inputs.headDir) : await emptyModule(tmp);
    const headBuild = runBuf(
      ["build", "--error-format", "json", "-o", headImage, ...(headSource === cwd(inputs.headDir) ? pathArgs(targets.headFiles) : [])],
      { cwd: headSource },
    );
    headBuild.catch(() => {}); // awaited below; the base overlay may fail first
    const [, head] = await Promise.all([buildBase(inputs, cwd).then((image) => writeFile(baseImage, image)), headBuild]);
    // A head that does not compile is already reported by lint as COMPILE findings.
    // buf build prints its JSON errors on stderr.
    if (head.code !== 0) {
      if (head.code !== BUF_FINDINGS) return [];
      const toRepo = (p: string | undefined): string => (p ? repoPathFromWorkspace(workspace.dir, p) : "");
      return parseBufFindings({ ...head, stdout: head.stdout || head.stderr }, "lint", toRepo);
    }
    const files = targets.full ? (inputs.allFiles ?? []) : [...targets.headFiles, ...targets.baseFiles];
    const found = await breaking(headImage, baseImage, ruleGroups(workspace, files), tmp);
    return found.map((f) => toFinding(f.diagnostic, "breaking", f.repoPath ?? repoPathOfModuleFile(workspace, f.file)));
  } finally {
    await scratch.dispose();
  }
}

/**
 * The folder of the module `root` in the head folder `headDir`, when it is a folder there and no
 * symlink leads to it (an overlay links what it did not rewrite to the working tree, and buf,
 * run in a linked folder, would find the working tree's configuration); else undefined.
 */
async function realFolder(headDir: string, root: string | undefined): Promise<string | undefined> {
  if (root === undefined) return undefined;
  const folder = path.join(headDir, ...root.split("/").filter(Boolean));
  const [real, realHead] = await Promise.all([realpath(folder).catch(() => undefined), realpath(headDir)]);
  return real === path.join(realHead, ...root.split("/").filter(Boolean)) ? folder : undefined;
}

/** A one-file module standing in for a side where every targeted file was deleted. */
async function emptyModule(tmp: string): Promise<string> {
  const dir = path.join(tmp, "empty");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "buf.yaml"), "version: v2\n");
  await writeFile(path.join(dir, "protoship_empty_placeholder.proto"), 'syntax = "proto3";\npackage protoship.placeholder;\n');
  return dir;
}

function repoPathOfModuleFile(workspace: BufWorkspace, modulePath: string): string {
  // Image paths are relative to their module; a workspace with several modules is disambiguated
  // by the first module whose root (less its excludes) takes the path (rare: two modules holding one path).
  const taken = repoPathCandidates(workspace, modulePath).find((p) => moduleOf(workspace, p));
  return taken ?? repoPathInModule(workspace.modules[0]?.root ?? "", modulePath);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.file}\0${f.line}\0${f.column}\0${f.rule}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
