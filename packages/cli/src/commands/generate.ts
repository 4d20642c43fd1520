import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import path from "node:path";
import { ExitCode, FindingsError } from "../errors.js";
import { staleStubs } from "../generate/check-stale.js";
import { generateStubsIn, stubUnits, type StubOptions, type GenerateStubsResult } from "../generate/generate-stubs.js";
import { shardUnits } from "../generate/select-units.js";
import { stubKeys } from "../generate/cache-keys.js";
import { stubsOutDir } from "../generate/out-dir.js";
import { startProgress } from "../process/progress.js";
import { Project } from "../project/project.js";

export type { GenerateStubsResult, GeneratedPackage } from "../generate/generate-stubs.js";

/** Options of {@link generateStubs}. */
export interface GenerateStubsOptions extends StubOptions {
  /** The folder that holds protoship.yaml and the buf configuration: `outDir` is relative to it. */
  cwd: string;
}

/** Generates the stub packages of the module in `cwd`, which is taken as the root (it need not be a git repository). */
export async function generateStubs(options: GenerateStubsOptions): Promise<GenerateStubsResult> {
  const { cwd, ...rest } = options;
  const project = await Project.ofFolder(cwd);
  return generateStubsIn(project, { ...rest, ...outDirOption(project, options) });
}

/** Options of `protoship generate`. */
export type GenerateOptions = GenerateStubsOptions;

/** `protoship generate`: writes the stub packages and prints one line per package. */
export function generate(options: GenerateOptions): Promise<CommandResult> {
  return collectOutput((write) => runGenerate(options, write));
}

async function runGenerate(options: GenerateOptions, write: Write): Promise<Verdict> {
  const project = await Project.open(options.cwd, { listFiles: true });
  const { cwd: _cwd, ...rest } = options;
  const progress = (total: number) => startProgress("generate", total, "packages");
  const result = await generateStubsIn(project, { progress, ...rest, ...outDirOption(project, options) });
  const changed = new Set(result.changed);
  for (const pkg of result.packages) {
    const rel = path.relative(options.cwd, pkg.dir) || ".";
    write(
      `${changed.has(path.basename(pkg.dir)) ? "generated" : "unchanged"} ${pkg.npmName}@${pkg.version} (${pkg.protoPackage}) in ${rel}\n`,
    );
  }
  for (const name of result.changed) {
    if (!result.packages.some((p) => path.basename(p.dir) === name))
      write(`removed ${path.relative(options.cwd, path.join(result.outDir, name))}\n`);
  }
  return ExitCode.Ok;
}

/**
 * `protoship generate --list-shards <n>`: prints the partition `--shard i/n` uses, as JSON
 * (`{"count": n, "shards": [{"shard": "1/n", "packages": [npm names], "protoPackages": [...], "weight": bytes}]}`),
 * so a CI workflow can tell which packages each matrix job writes. Writes nothing but the image
 * cache (node_modules/.cache/protoship), which a `generate --shard` in the same checkout then reads.
 */
export function generateListShards(options: { cwd: string; count: number }): Promise<CommandResult> {
  return collectOutput((write) => listShards(options, write));
}

async function listShards(options: { cwd: string; count: number }, write: Write): Promise<Verdict> {
  // The image it compiles is cached for the `generate --shard` that follows (image-cache.ts).
  const project = await Project.open(options.cwd, { listFiles: true });
  const { image, units, cacheImage } = await stubUnits(project, { key: (await stubKeys(project)).image });
  await cacheImage();
  const { unitWeights } = await import("../generate/unit-weight.js");
  const weights = unitWeights(units, image.files);
  const shards = shardUnits(units, weights, options.count).map((share, i) => ({
    shard: `${i + 1}/${options.count}`,
    packages: share.map((u) => u.npmName),
    protoPackages: share.map((u) => u.protoPackage),
    weight: share.reduce((sum, u) => sum + (weights.get(u.npmName) ?? 0), 0),
  }));
  write(`${JSON.stringify({ count: options.count, shards }, null, 2)}\n`);
  return ExitCode.Ok;
}

/**
 * `protoship generate --check`: writes nothing; prints one line per package folder that differs
 * from what generate would write (changed, missing and not-generated files), then exits 1 with
 * a one-line summary; exits 0 when every package is up to date.
 */
export function generateCheck(options: Omit<GenerateOptions, "force" | "version">): Promise<CommandResult> {
  return collectOutput((write) => checkGenerated(options, write));
}

async function checkGenerated(options: Omit<GenerateOptions, "force" | "version">, write: Write): Promise<Verdict> {
  const project = await Project.open(options.cwd, { listFiles: true });
  const { cwd: _cwd, ...rest } = options;
  const report = await staleStubs(project, { ...rest, ...outDirOption(project, options) });
  const count = (n: number): string => `${n} stub package${n === 1 ? "" : "s"}`;
  for (const s of report.stale) {
    const rel = path.relative(options.cwd, s.dir) || ".";
    if (!s.pkg) {
      write(`stale ${rel}: generate would remove it\n`);
      continue;
    }
    const parts = [
      ["changed", s.changed],
      ["missing", s.missing],
      ["not generated", s.extra],
      ["build output committed", s.buildOutput],
    ] as const;
    const what = parts.filter(([, files]) => files.length).map(([label, files]) => `${label} ${listFiles(files)}`);
    write(`stale ${s.pkg.npmName} (${s.pkg.protoPackage}) in ${rel}: ${what.join("; ")}\n`);
  }
  if (!report.stale.length) {
    write(`${count(report.packages.length)} up to date\n`);
    return ExitCode.Ok;
  }
  throw new FindingsError(
    `${report.stale.length} of ${count(report.packages.length)} differ from what protoship generate would write`,
    report.stale.some((s) => s.buildOutput.length)
      ? "remove the committed build output from git (git rm -r --cached <package>/dist <package>/node_modules) and ignore it; run protoship generate and commit the result"
      : "run protoship generate and commit the result",
  );
}

/**
 * `--out-dir`, relative to the folder the command runs in and held to the same rule as
 * stubs.outDir: inside the repository (the whole repository, from git) and out of `.git`.
 */
function outDirOption(project: Project, options: { cwd: string; outDir?: string }): { outDir?: string } {
  return options.outDir === undefined ? {} : { outDir: stubsOutDir(project, { cwd: options.cwd, outDir: options.outDir }) };
}

/** At most five file names, then how many more. */
function listFiles(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(", ");
  return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
}
