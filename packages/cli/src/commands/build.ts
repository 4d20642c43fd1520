import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { planBuild } from "../build/build-plan.js";
import { checkLinks, runStubBuilds } from "../build/run-builds.js";
import { readStubPackages, type StubPackageOnDisk } from "../build/stub-workspace.js";
import { ExitCode } from "../errors.js";
import { startProgress } from "../process/progress.js";
import { Project } from "../project/project.js";
import { resolveRepoPath } from "../fs/repo-path.js";

/** Options of {@link buildStubPackagesAt}. */
export interface BuildStubPackagesAtOptions {
  /** The repository root (the workspace root whose node_modules holds the toolchain). */
  root: string;
  /** The folder of the stub packages (each a folder protoship generate wrote). */
  outDir: string;
  /** npm names to build; the stub packages they depend on are built too. Default: every stub package. */
  names?: readonly string[];
  /** How many package builds run at once (default: the machine's cores). */
  jobs?: number;
  /** Reports progress on stderr (default: true). */
  progress?: boolean;
}

/**
 * Builds stub packages in dependency order, independent ones in parallel: each package's own
 * `build` script, run as npm and pnpm run it, after the stub packages it imports. The stub packages
 * must be linked as a workspace (npm workspaces, or pnpm with linkWorkspacePackages), which is
 * checked before anything runs. Packages without a `build` script (protobuf-es packages, ready as
 * generated) are not run. Returns the packages built, in the order they were planned; a failed build throws a ProtoshipError (exit 1) naming every package that failed.
 */
export async function buildStubPackagesAt(options: BuildStubPackagesAtOptions): Promise<StubPackageOnDisk[]> {
  const { build: plan, ready } = planBuild(await readStubPackages(options.outDir), options.names);
  checkLinks([...ready, ...plan], options.root, options.outDir);
  const progress = options.progress === false ? undefined : startProgress("build", plan.length, "stub packages");
  try {
    await runStubBuilds(plan, {
      root: options.root,
      jobs: options.jobs ?? os.availableParallelism(),
      onBuilt: () => progress?.tick(),
    });
  } finally {
    progress?.done();
  }
  return plan;
}

/** Options of `protoship build`. */
export interface BuildOptions {
  /** The folder the command runs in, inside the repository. */
  cwd: string;
  /** npm names to build (with what they depend on); default every stub package. */
  names?: readonly string[];
  jobs?: number;
  /** Where the stub packages are, relative to `cwd` (default: stubs.outDir in protoship.yaml). */
  outDir?: string;
  /** Where the summary goes (default: stdout). */
  write?: (text: string) => void;
}

/** `protoship build`: builds the repository's stub packages in dependency order and prints one summary line. */
export async function build(options: BuildOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const project = await Project.open(options.cwd);
  const fromRoot =
    options.outDir === undefined
      ? project.config.stubs.outDir
      : path.relative(project.root, path.resolve(options.cwd, options.outDir)) || ".";
  const root = realpathSync(project.root);
  const outDir = resolveRepoPath(root, fromRoot, { label: options.outDir === undefined ? "stubs.outDir" : "--out-dir" });
  const started = Date.now();
  const built = await buildStubPackagesAt({
    root,
    outDir,
    ...(options.names?.length ? { names: options.names } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  });
  const rel = path.relative(options.cwd, outDir) || ".";
  write(
    built.length
      ? `built ${built.length} stub package${built.length === 1 ? "" : "s"} in ${rel} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`
      : `nothing to build in ${rel}: no stub package there has a build script\n`,
  );
  return ExitCode.Ok;
}
