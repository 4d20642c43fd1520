import { STAGING, recoverSwap, writeFileReplacing } from "@protoship/fs-safe";
import semver from "semver";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bufBinary } from "../buf/run-buf.js";
import { CONFIG_FILE } from "../config/load-config.js";
import { ConfigError, ProtoshipError } from "../errors.js";
import { protoshipVersion } from "../version.js";
import { npmNameProblem } from "../config/npm-name.js";
import { stubRepository } from "../config/repository-url.js";
import type { Project } from "../project/project.js";
import { explainOutputError } from "../fs/output-errors.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import type { Progress } from "../process/progress.js";
import type { SchemaImage } from "../schema/load-image.js";
import { closure } from "../schema/package-graph.js";
import { protoPackageUnits, type ProtoPackageUnit } from "../schema/proto-packages.js";
import { packageJson, readme, smokeTest, tsconfigCjs, tsconfigEsm, turboJson, type PackageInput } from "./package-files.js";
import { saltedHash } from "./source-hash.js";
import { partition } from "./partition.js";
import type { Shard } from "./shard.js";
import { esPackageFiles } from "./protobuf-es-package-files.js";
import { stubGenerator } from "./stub-generator.js";
import { exists, folderDigest, replacePackages, stalePackages, treeDigest, type FileTree } from "./write-packages.js";

/** Options of {@link generateStubsIn}. */
export interface StubOptions {
  /**
   * Where the package folders go, absolute or relative to the project root, used as given: a caller passing a
   * user's value checks it first (the CLI resolves `--out-dir` with resolveRepoPath). Default:
   * config `stubs.outDir`, which must stay inside the repository and out of `.git`.
   */
  outDir?: string;
  /**
   * Version of the generated packages: one for all, or per npm name. A package missing from the
   * map keeps the version in its existing package.json under `outDir`, else 0.0.0. Dependencies
   * between stub packages are `^<version of the dependency>`.
   */
  version?: string | Record<string, string>;
  /** Generate only these packages (npm names or proto packages); others in `outDir` are left alone. */
  only?: string[];
  /** Regenerate every package even when the stamp says nothing changed. */
  force?: boolean;
  /**
   * Generate every selected package in memory and write nothing (no folder, no stamp): the result
   * carries the file trees and the folders a full run would remove (`generate --check`).
   */
  dryRun?: boolean;
  /** ts-proto processes at once (default: os.availableParallelism()). */
  jobs?: number;
  /**
   * Generate only this share of the packages ({@link shardUnits}); other packages in `outDir` are
   * left alone, and the run's stamp is the shard's own (`.protoship-stamp.shard-<i>-of-<n>.json`).
   */
  shard?: Shard;
  /**
   * The repository URL the packages' package.json names (see stubRepository), for a project that is
   * not the repository itself (publish's checkout of a release commit). Default: the project's own.
   */
  repository?: string;
  /** Reports the packages generated (called only when there is work: never on a no-op rerun). */
  progress?: (total: number) => Progress;
}

/** One generated package. */
export interface GeneratedPackage {
  npmName: string;
  protoPackage: string;
  /** Absolute path of the package folder. */
  dir: string;
  version: string;
  /** npm names of the stub packages it depends on. */
  dependencies: string[];
}

/** What {@link generateStubsIn} did. */
export interface GenerateStubsResult {
  outDir: string;
  packages: GeneratedPackage[];
  /** Folder names under outDir that were written or removed (empty on a no-op rerun). */
  changed: string[];
  /** With `dryRun`: every selected package's files by folder name, and the folders a full run would remove. */
  planned?: { trees: Map<string, FileTree>; removed: string[] };
}

/**
 * `<outDir>/.protoship-stamp.json`: what the last full generation was made from, so a rerun does
 * only the work that changed (none at all when no input file changed, without running buf). A
 * shard keeps its own, for its packages only (`.protoship-stamp.shard-1-of-4.json`), so shards
 * that share a folder never take each other's record for their own.
 */
const STAMP = ".protoship-stamp.json";
const stampName = (shard: Shard | undefined): string => (shard ? `.protoship-stamp.shard-${shard.index}-of-${shard.count}.json` : STAMP);
interface Stamp {
  /** {@link saltedHash} of the inputs' digest and the run's settings. */
  source: string;
  /** {@link unitHash} per npm name (a shard's: its packages only). */
  units: Record<string, string>;
  /** The packages, with `dir` relative to outDir. */
  packages: GeneratedPackage[];
  /**
   * {@link treeDigest} of the files written per npm name, so a rerun notices a package edited by
   * hand (or a file of it deleted) although its inputs did not change, and writes it again.
   */
  digests?: Record<string, string>;
}

/**
 * Generates one npm package per proto package of the module with ts-proto (fed, in parallel
 * batches, the request `buf generate` would send: {@link generateSources}), deterministically and
 * atomically: the same input gives byte-identical files, and nothing under `outDir` changes unless
 * every package was generated. A schema error throws a ProtoshipError with `file:line:col`. A
 * full or shard run (no `only`) is incremental: only packages whose descriptors (or their
 * imports') changed are regenerated; only a full run removes packages gone from the module.
 */
export async function generateStubsIn(project: Project, options: StubOptions): Promise<GenerateStubsResult> {
  const { root, config } = project;
  const given: [string, string][] =
    typeof options.version === "string" ? [["--set-version", options.version]] : Object.entries(options.version ?? {});
  for (const [where, version] of given) refuseNonSemver(version, where);
  const workspace = await project.workspace();
  const outDir = options.outDir
    ? path.resolve(root, options.outDir)
    : resolveRepoPath(root, config.stubs.outDir, { label: "stubs.outDir", output: true });
  // A swap a crashed run left half-done is finished (or discarded) before anything reads outDir
  // (a dry run writes nothing: it refuses instead).
  if (options.dryRun) await refuseHalfDoneSwap(outDir);
  else await recoverSwap(outDir).catch((error: unknown) => explainOutputError(error, root));
  const plugin = stubGenerator(config.stubs);
  const repository = options.repository ?? (await stubRepository(config, project.repo));
  // The folder of the packages in the repository: outDir, or stubs.outDir for one outside it (publish's).
  const outInRepo = path.relative(root, outDir).split(path.sep).join("/");
  const packagesFolder = outInRepo.startsWith("../") || path.isAbsolute(outInRepo) ? path.posix.normalize(config.stubs.outDir) : outInRepo;
  // Everything that changes the output: protoship's version and code (npmNameOf, the package
  // files, the stub toolchain live outside generate/), the generator (ts-proto or protoc-gen-es),
  // its version and options, the settings.
  const salt = JSON.stringify({
    protoship: protoshipVersion(),
    repository: repository ?? null,
    generator: await generatorHash(),
    plugin: [plugin.name, plugin.version],
    options: plugin.options,
    stubs: { ...config.stubs, scope: await project.stubScope() },
    version: options.version ?? null,
    outDir: path.relative(root, outDir),
  });

  if (options.only && options.shard) throw new ProtoshipError("a shard is a share of all packages: it takes no list of packages (only)");
  const stamped = !options.only;
  const full = stamped && !options.shard;
  const stampFile = stampName(options.shard);
  const stamp = stamped && !options.force && !options.dryRun ? await readStamp(outDir, stampFile) : undefined;
  // Read once: the stamp's key and the image cache's are both made from it.
  const inputs = await project.snapshot.digest(workspace, [...workspace.configFiles, CONFIG_FILE]);
  const source = stamped ? saltedHash(inputs, salt) : "";
  const onDisk = (p: GeneratedPackage): Promise<boolean> => intact(stamp, p.npmName, path.join(outDir, p.dir));
  if (stamp && stamp.source === source && (await Promise.all(stamp.packages.map(onDisk))).every(Boolean)) {
    return { outDir, packages: stamp.packages.map((p) => ({ ...p, dir: path.join(outDir, p.dir) })), changed: [] };
  }

  // The image is cached only once the run has written its packages: a refused or dry run
  // (generate --check) leaves nothing behind, not even the cache.
  const { image, units, cacheImage } = await stubUnits(project, { read: true, inputs });
  // Loaded past the no-op return above: @bufbuild/protobuf alone takes ~0.1 s to load.
  const [{ unitWeights }, { unitHash }, { generateSources }] = await Promise.all([
    import("./unit-weight.js"),
    import("./input-hash.js"),
    import("./generate-sources.js"),
  ]);
  const weights = unitWeights(units, image.files);
  const selected = options.shard
    ? shardUnits(units, weights, options.shard.count)[options.shard.index - 1]!
    : selectUnits(units, options.only);
  const dirNames = folderNames(units);
  const versions = new Map<string, string>();
  for (const unit of units)
    versions.set(unit.npmName, await versionOf(unit.npmName, options.version, path.join(outDir, dirNames.get(unit.npmName)!)));

  const descriptors = new Map(image.files.map((f) => [f.name, f]));
  const versionSalt = `${salt}${JSON.stringify([...versions])}`;
  const hashes = new Map(units.map((u) => [u.npmName, unitHash(u, descriptors, versionSalt)]));
  const todo: ProtoPackageUnit[] = [];
  for (const unit of selected) {
    const unchanged =
      stamp?.units[unit.npmName] === hashes.get(unit.npmName) &&
      (await intact(stamp, unit.npmName, path.join(outDir, dirNames.get(unit.npmName)!)));
    if (!unchanged) todo.push(unit);
  }

  const trees = new Map<string, FileTree>();
  const generated = new Map<string, GeneratedPackage>();
  if (todo.length) {
    const jobs = options.jobs ?? os.availableParallelism();
    const progress = options.progress?.(todo.length);
    const all = await generateSources({
      files: image.files,
      units,
      todo,
      weights,
      plugin,
      jobs,
      ...(progress ? { progress } : {}),
    })
      // Ends the progress line before an error is printed after it.
      .finally(() => progress?.done());
    for (const sources of all) {
      const { unit } = sources;
      const dirName = dirNames.get(unit.npmName)!;
      const common = {
        unit,
        version: versions.get(unit.npmName)!,
        dependencies: Object.fromEntries(sources.dependencies.map((d) => [d, `^${versions.get(d)!}`])),
        rootFromPackage: rootFrom(path.join(outDir, dirName), root),
        ...(repository ? { repository: { url: repository, directory: path.posix.join(packagesFolder, dirName) } } : {}),
      };
      let files: FileTree;
      if (plugin.name === "protobuf-es") {
        // protoc-gen-es's esm/ and cjs/ files are the package's code as they are: nothing to build.
        files = esPackageFiles({ ...common, protocGenEsVersion: plugin.version });
        for (const [file, text] of sources.files) files.set(file, text);
      } else {
        const input: PackageInput = { ...common, tsProtoVersion: plugin.version };
        files = new Map([
          ["README.md", readme(input)],
          ["package.json", packageJson(input)],
          ["test/smoke.test.mjs", smokeTest()],
          ["tsconfig.cjs.json", tsconfigCjs()],
          ["tsconfig.json", tsconfigEsm()],
          ["turbo.json", turboJson()],
        ]);
        for (const [file, text] of sources.files) files.set(`src/${file}`, text);
      }
      trees.set(dirName, files);
      generated.set(unit.npmName, {
        npmName: unit.npmName,
        protoPackage: unit.protoPackage,
        dir: dirName,
        version: common.version,
        dependencies: sources.dependencies,
      });
    }
  }
  const keep = new Set(dirNames.values());
  const prune = (name: string): boolean => !keep.has(name);
  if (options.dryRun) {
    // Folders of packages gone from the module: a full run's to remove, and one shard's to report
    // (the first: every shard knows them, one is enough for a sharded `generate --check`).
    const removed = full || options.shard?.index === 1 ? await stalePackages(outDir, trees, prune) : [];
    const packages = selected.map((u) => ({ ...generated.get(u.npmName)!, dir: path.join(outDir, dirNames.get(u.npmName)!) }));
    return { outDir, packages, changed: [], planned: { trees, removed } };
  }
  const changed = await replacePackages(outDir, trees, full ? { prune } : {}).catch((error: unknown) => explainOutputError(error, root));

  const packages = selected.map((u) => generated.get(u.npmName) ?? stamp!.packages.find((p) => p.npmName === u.npmName)!);
  if (stamped) {
    const digests = Object.fromEntries(
      selected.map((u) => {
        const tree = trees.get(dirNames.get(u.npmName)!);
        return [u.npmName, tree ? treeDigest(tree) : stamp!.digests![u.npmName]!];
      }),
    );
    const next: Stamp = { source, units: Object.fromEntries(selected.map((u) => [u.npmName, hashes.get(u.npmName)!])), packages, digests };
    await writeStamp(outDir, stampFile, next);
  }
  await cacheImage();
  return { outDir, packages: packages.map((p) => ({ ...p, dir: path.join(outDir, p.dir) })), changed };
}

/** The stamp of the last run; a missing, unreadable or malformed one (a cache) is no stamp. */
async function readStamp(outDir: string, name: string): Promise<Stamp | undefined> {
  try {
    const stamp = JSON.parse(await readFile(path.join(outDir, name), "utf8")) as Partial<Stamp> | null;
    const wellFormed =
      typeof stamp?.source === "string" &&
      typeof stamp.units === "object" &&
      stamp.units !== null &&
      Array.isArray(stamp.packages) &&
      stamp.packages.every((p) => typeof p?.dir === "string" && typeof p.npmName === "string");
    return wellFormed ? (stamp as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the stamp through a temporary file and a rename, and only when it changed. The temporary
 * file has a fixed name, so one a killed run left behind is replaced (not multiplied) by the next;
 * a link at either name is replaced, never written through ({@link writeFileReplacing}).
 */
async function writeStamp(outDir: string, name: string, stamp: Stamp): Promise<void> {
  const text = `${JSON.stringify(stamp, null, 2)}\n`;
  const file = path.join(outDir, name);
  const temp = `${file}.tmp`;
  if ((await readFile(file, "utf8").catch(() => "")) === text) return void (await rm(temp, { force: true }));
  await mkdir(outDir, { recursive: true });
  await writeFileReplacing(file, text, temp);
}

/**
 * Hash of protoship's own code (every module of the package, not only generate/: npm names, the
 * stub toolchain and the package files come from elsewhere), so any change of protoship
 * regenerates everything, even one that kept the version number (a local build).
 */
function generatorHash(): Promise<string> {
  // The code does not change while the process runs: read once (the stamp's salt and the image key use it).
  generatorHashOnce ??= (async () => {
    const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
    const hash = createHash("sha256");
    const names = (await readdir(dir, { recursive: true })).filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith(".d.ts")).sort();
    const contents = await Promise.all(names.map((name) => readFile(path.join(dir, name))));
    names.forEach((name, i) => hash.update(name.split(path.sep).join("/")).update(contents[i]!));
    return hash.digest("hex");
  })();
  return generatorHashOnce;
}
let generatorHashOnce: Promise<string> | undefined;

/**
 * The stub units of the project's module (after `stubs.include`/`exclude`) and the files of its
 * compiled image they need (their own and their imports, transitively; in dependency order), each
 * file's source info cut down to its commented locations (all ts-proto reads of it). No unit is an
 * error. With `cache.read`, the image comes from the image cache (image-cache.ts) when nothing it
 * was made from changed, instead of a buf compile; `cacheImage()` puts a compiled one there.
 * `cache.inputs` is the caller's digest of the project's snapshot, when it has one (else it is read).
 */
export async function stubUnits(
  project: Project,
  cache: { read?: boolean; inputs?: string } = {},
): Promise<{ image: SchemaImage; units: ProtoPackageUnit[]; cacheImage: () => Promise<void> }> {
  const { root, config } = project;
  const workspace = await project.workspace();
  const include = config.stubs.include ?? [];
  const [{ readImageCache, writeImageCache }, { loadIncludedImage }] = await Promise.all([
    import("./image-cache.js"),
    import("./included-image.js"),
  ]);
  const included = (protoPackage: string): boolean => include.some((p) => matchesPackage(p, protoPackage));
  // The key hashes every proto (~0.25 s on 7,207 files): only when the cache is read or written.
  const key = cache.read ? await imageKey(project, cache.inputs) : undefined;
  const cached = key ? await readImageCache(root, key) : undefined;
  // The project's snapshot decides what buf compiles: ignored files never, symlinks as git stores
  // them. With `include`, only the selected packages' files (and their imports) are compiled.
  const { snapshot } = project;
  const image =
    cached ??
    (include.length ? await loadIncludedImage(workspace, included, snapshot) : await snapshot.image(workspace, { sourceInfo: "comments" }));
  // Packages left out by `include` are not stub packages: their files are copied into the
  // packages that import them, like any import from outside the module.
  const units = protoPackageUnits(image, config, await project.stubScope()).filter((u) => !include.length || included(u.protoPackage));
  // An empty result (no files, or a broken buf that printed nothing) never prunes existing packages.
  if (!units.length) {
    const found = `${image.ownFiles.size} files in the module`;
    throw new ProtoshipError(`buf returned no proto packages to generate (${found}); nothing was changed`, {
      hint: "check buf (PROTOSHIP_BUF), buf.yaml and stubs.include/exclude",
    });
  }
  // The rest of the module (all of googleapis when only google.cloud.** are stubs) is let go.
  const byName = new Map(image.files.map((f) => [f.name, f]));
  const needed = closure(
    units.flatMap((u) => u.files.map((f) => f.name)),
    (name) => byName.get(name)?.dependency,
  );
  const kept = cached ?? { ...image, files: image.files.filter((f) => needed.has(f.name)) };
  const cacheImage = async (): Promise<void> => {
    if (!cached) await writeImageCache(root, key ?? (await imageKey(project, cache.inputs)), kept);
  };
  return { image: kept, units, cacheImage };
}

/**
 * The image cache's key: every input of the compile (`inputs`, else read: {@link inputDigest} of
 * the protos the snapshot's file set holds, buf.yaml, protoship.yaml), the code that cuts the image
 * (protoship's version and generator) and the buf that compiles it.
 */
async function imageKey(project: Project, inputs?: string): Promise<string> {
  const workspace = await project.workspace();
  const bin = bufBinary();
  const { size, mtimeMs } = await stat(bin).catch(() => ({ size: 0, mtimeMs: 0 }));
  const salt = JSON.stringify({ image: 1, protoship: protoshipVersion(), generator: await generatorHash(), buf: [bin, size, mtimeMs] });
  const digest = inputs ?? (await project.snapshot.digest(workspace, [...workspace.configFiles, CONFIG_FILE]));
  return saltedHash(digest, salt).slice(0, 32);
}

/**
 * The units split into `count` CI shards of about equal {@link unitWeights} (greedy largest-first,
 * npm name on a tie): the same schema gives the same shards on every machine. A shard may be
 * empty when there are fewer units than shards.
 */
export function shardUnits(units: readonly ProtoPackageUnit[], weights: ReadonlyMap<string, number>, count: number): ProtoPackageUnit[][] {
  return partition(
    units,
    count,
    (u) => weights.get(u.npmName) ?? 0,
    (u) => u.npmName,
  );
}

async function refuseHalfDoneSwap(outDir: string): Promise<void> {
  if (await exists(path.join(outDir, STAGING))) {
    const hint = "run protoship generate to finish it";
    throw new ProtoshipError(`${outDir} holds a generate run that was interrupted (${STAGING})`, { hint });
  }
}

/** Whether a package's folder still holds exactly what the stamp's run wrote there. */
async function intact(stamp: Stamp | undefined, npmName: string, dir: string): Promise<boolean> {
  const digest = stamp?.digests?.[npmName];
  return digest !== undefined && (await folderDigest(dir)) === digest;
}

function selectUnits(units: ProtoPackageUnit[], only: string[] | undefined): ProtoPackageUnit[] {
  if (!only) return units;
  const selected = units.filter((u) => only.includes(u.npmName) || only.includes(u.protoPackage));
  const unknown = only.filter((name) => !units.some((u) => u.npmName === name || u.protoPackage === name));
  if (unknown.length) {
    throw new ProtoshipError(`no proto package or stub package named ${unknown.map((n) => JSON.stringify(n)).join(", ")}`, {
      hint: `known: ${units.map((u) => u.npmName).join(", ")}`,
    });
  }
  return selected;
}

/** Folder of each package: the npm name (valid for a new npm package) without its scope, which must be unique. */
function folderNames(units: readonly ProtoPackageUnit[]): Map<string, string> {
  const names = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const unit of units) {
    const problem = npmNameProblem(unit.npmName);
    if (problem) {
      throw new ProtoshipError(`proto package ${unit.protoPackage}: ${JSON.stringify(unit.npmName)} ${problem}`, {
        hint: "set its npm name with stubs.names in protoship.yaml",
      });
    }
    const dir = unit.npmName.split("/").pop()!;
    const other = seen.get(dir);
    if (other)
      throw new ProtoshipError(`stub packages ${other} and ${unit.npmName} would share the folder ${dir}`, {
        hint: "rename one with stubs.names in protoship.yaml",
      });
    seen.set(dir, unit.npmName);
    names.set(unit.npmName, dir);
  }
  return names;
}

async function versionOf(npmName: string, version: StubOptions["version"], dir: string): Promise<string> {
  if (typeof version === "string") return version;
  if (version?.[npmName]) return version[npmName];
  try {
    const file = path.join(dir, "package.json");
    const pkg = JSON.parse(await readFile(file, "utf8")) as { name?: string; version?: unknown };
    if (pkg.name === npmName && pkg.version) return refuseNonSemver(pkg.version, `${path.relative(process.cwd(), file)}: version`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // No previous package: start at 0.0.0.
  }
  return "0.0.0";
}

/**
 * `version` when it is a semver version exactly as npm writes one (`1.2.0`, `2.0.0-rc.1`), else a
 * ConfigError naming `where` (exit 2): a version lands in package.json and in the dependency ranges
 * of other packages, so nothing else may pass (`x"; rm -rf /`).
 */
function refuseNonSemver(version: unknown, where: string): string {
  if (typeof version === "string" && semver.valid(version) === version) return version;
  throw new ConfigError(`${where} ${JSON.stringify(version)}: expected a semver version, e.g. 1.2.0`);
}

/** `root` relative to a package folder, or "." outside the repository (no absolute paths in output). */
function rootFrom(dir: string, root: string): string {
  const rel = path.relative(dir, root).split(path.sep).join("/");
  return rel.split("/").every((s) => s === "..") ? rel : ".";
}

/** Whether a proto package matches an include pattern: `*` is one segment, `**` any number. */
export function matchesPackage(pattern: string, protoPackage: string): boolean {
  const match = (p: readonly string[], s: readonly string[]): boolean => {
    if (!p.length) return !s.length;
    const [head, ...rest] = p;
    if (head === "**") return match(rest, s) || (s.length > 0 && match(p, s.slice(1)));
    return s.length > 0 && (head === "*" || head === s[0]) && match(rest, s.slice(1));
  };
  return match(pattern.split("."), protoPackage.split("."));
}
