import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { planBuild } from "../build/build-plan.js";
import { buildBatch, findTsc, readPackageSources } from "../build/merged-build.js";
import { planMergedBuild } from "../build/merged-plan.js";
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
  /** The most source bytes one tsc program builds together (default: merged-plan.ts's BATCH_BYTES, 24 MB). */
  batchBytes?: number;
  /** Reports progress on stderr (default: true). */
  progress?: boolean;
}

/** What {@link buildStubPackagesAt} built. */
export interface StubBuildResult {
  /** The packages built, in the order they were planned. */
  built: StubPackageOnDisk[];
  /** How many of them one tsc program per batch built, and in how many batches. */
  merged: number;
  batches: number;
  /** Byte-identical copies of shared files (google/protobuf, google/api…) that those programs checked and emitted once. */
  sharedCopies: number;
}

/**
 * Builds stub packages in dependency order. The ts-proto packages whose build script and tsconfigs
 * are the generated ones are built together: one tsc program per batch of packages
 * ({@link planMergedBuild}), in which each shared copy is checked once, writing each package's
 * dist/ as its own build script would. The others, and all of a batch whose tsc fails, run their own
 * `build` script as npm and pnpm run it, after the stub packages they import, independent ones in
 * parallel: a failure names every package that failed (exit 1). The stub packages
 * must be linked as a workspace (npm workspaces, or pnpm with linkWorkspacePackages), which is
 * checked before anything runs. Packages without a `build` script (protobuf-es packages, ready as
 * generated) are not run.
 */
export async function buildStubPackagesAt(options: BuildStubPackagesAtOptions): Promise<StubBuildResult> {
  const all = await readStubPackages(options.outDir);
  const { build: plan, ready } = planBuild(all, options.names);
  checkLinks([...ready, ...plan], options.root, options.outDir);
  const progress = options.progress === false ? undefined : startProgress("build", plan.length, "stub packages");
  const result: StubBuildResult = { built: plan, merged: 0, batches: 0, sharedCopies: 0 };
  try {
    const done = new Set<string>();
    const tsc = plan[0] && findTsc(plan[0].dir, options.root);
    if (tsc) {
      const { batches } = planMergedBuild(await readPackageSources(plan), all, options.batchBytes);
      for (const [i, batch] of batches.entries()) {
        // Beside the packages, so imports resolve from the same node_modules folders (not inside one:
        // TypeScript emits a file under node_modules as it stands, not as CommonJS).
        const cache = path.join(options.outDir, ".protoship-build", String(i));
        // A failing batch stops the merged builds: the packages' own scripts then name what fails.
        if (await buildBatch(batch, tsc, cache)) break;
        for (const { pkg } of batch.packages) {
          done.add(pkg.name);
          progress?.tick();
        }
        result.merged += batch.packages.length;
        result.batches++;
        result.sharedCopies += batch.sharedCopies;
      }
    }
    await runStubBuilds(
      plan.filter((p) => !done.has(p.name)),
      { root: options.root, jobs: options.jobs ?? os.availableParallelism(), onBuilt: () => progress?.tick() },
    );
  } finally {
    progress?.done();
  }
  return result;
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
}

/** `protoship build`: builds the repository's stub packages in dependency order and prints one summary line. */
export function build(options: BuildOptions): Promise<CommandResult> {
  return collectOutput((write) => runBuild(options, write));
}

async function runBuild(options: BuildOptions, write: Write): Promise<Verdict> {
  const project = await Project.open(options.cwd);
  const fromRoot =
    options.outDir === undefined
      ? project.config.stubs.outDir
      : path.relative(project.root, path.resolve(options.cwd, options.outDir)) || ".";
  const root = realpathSync(project.root);
  const outDir = resolveRepoPath(root, fromRoot, { label: options.outDir === undefined ? "stubs.outDir" : "--out-dir" });
  const started = Date.now();
  const { built, merged, batches, sharedCopies } = await buildStubPackagesAt({
    root,
    outDir,
    ...(options.names?.length ? { names: options.names } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  });
  const rel = path.relative(options.cwd, outDir) || ".";
  write(
    built.length
      ? `built ${built.length} stub package${built.length === 1 ? "" : "s"} in ${rel} (${((Date.now() - started) / 1000).toFixed(1)} s${merged ? `; ${merged} in ${batches} tsc program${batches === 1 ? "" : "s"}, ${sharedCopies} shared cop${sharedCopies === 1 ? "y" : "ies"} checked once` : ""})\n`
      : `nothing to build in ${rel}: no stub package there has a build script\n`,
  );
  return ExitCode.Ok;
}
