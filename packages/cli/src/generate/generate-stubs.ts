import { exists, recoverSwap, STAGING } from "@protoship/fs-safe";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stubRepository } from "../config/repository-url.js";
import { InternalError, ProtoshipError } from "../errors.js";
import { explainOutputError } from "../fs/output-errors.js";
import type { Progress } from "../process/progress.js";
import type { Project } from "../project/project.js";
import type { SchemaImage } from "../schema/load-image.js";
import type { ProtoFile } from "../snapshot/file-set.js";
import { closure } from "../schema/package-graph.js";
import { npmNameOf, protoPackageUnits, type ProtoPackageUnit } from "../schema/proto-packages.js";
import { applyStubPlan } from "./apply-stub-plan.js";
import { stubKeys, type StubKeys } from "./cache-keys.js";
import { packagesFolderOf, stubsOutDir } from "./out-dir.js";
import { folderNames, matchesPackage, refuseNonSemver } from "./select-units.js";
import type { Shard } from "./shard.js";
import { loadSelectedImage, mayDeclare, patternWords, searchesFiles, type ModuleSelection, type PackageWords } from "./selected-image.js";
import { readStamp, stampUpToDate, type Stamp, type StampedPackage } from "./stamp.js";
import { stampName } from "./stub-files.js";
import { stubGenerator, type StubGenerator } from "./stub-generator.js";
import { planStubs, type FolderState, type StubPlan } from "./stub-plan.js";
import { renderStubPlan, type PackagePlace, type RenderedPackage } from "./stub-trees.js";
import { folderDigest, stalePackages, type FileTree } from "./write-packages.js";

/** Options of {@link generateStubsIn}. */
export interface StubOptions {
  /**
   * Where the package folders go: an absolute path, used as given (publish's scratch folder; the
   * CLI resolves `--out-dir` with stubsOutDir). Default: config `stubs.outDir`, which must stay
   * inside the repository and out of `.git`.
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
  /** ts-proto processes at once (default: os.availableParallelism()). */
  jobs?: number;
  /**
   * Generate only this share of the packages (select-units.ts shardUnits); other packages in
   * `outDir` are left alone, and the run's stamp is the shard's own (`.protoship-stamp.shard-<i>-of-<n>.json`).
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
export interface GeneratedPackage extends StampedPackage {
  /** Absolute path of the package folder. */
  dir: string;
}

/** What {@link generateStubsIn} did. */
export interface GenerateStubsResult {
  outDir: string;
  packages: GeneratedPackage[];
  /** Folder names under outDir that were written or removed (empty on a no-op rerun). */
  changed: string[];
}

/** What a run is, before the schema is read: where it writes, with what, under which keys. */
interface StubRun extends PackagePlace {
  plugin: StubGenerator;
  keys: StubKeys;
  /** Everything besides the inputs that changes the output (part of the stamp key and of every package's hash). */
  salt: string;
  /** The run's stamp key and stamp file. */
  source: string;
  stampFile: string;
}

/**
 * Generates one npm package per proto package of the module with ts-proto or protoc-gen-es (fed,
 * in parallel batches, the request `buf generate` would send), deterministically and atomically:
 * the same input gives byte-identical files, and nothing under `outDir` changes unless every
 * package was generated. A schema that does not compile throws a FindingsError (exit 1) naming
 * buf's first complaint (`file:line:col`). A full or
 * shard run (no `only`) is incremental: only packages whose descriptors (or their imports')
 * changed are regenerated; only a full run removes packages gone from the module.
 *
 * Gather (the stamp, the compiled image, each folder's state) → {@link planStubs} (pure) →
 * render (the plugin, in memory) → {@link applyStubPlan} (one crash-safe swap, then the stamp).
 */
export async function generateStubsIn(project: Project, options: StubOptions): Promise<GenerateStubsResult> {
  const run = await prepareRun(project, options);
  // A swap a crashed run left half-done is finished (or discarded) before anything reads outDir.
  await recoverSwap(run.outDir).catch((error: unknown) => explainOutputError(error, project.root));
  const previous = !options.only && !options.force ? await readStamp(run.outDir, run.stampFile) : undefined;
  if (previous && stampUpToDate(previous, run.source, await stampedDigests(run.outDir, previous))) {
    return { outDir: run.outDir, packages: previous.packages.map((p) => absolute(run.outDir, p)), changed: [] };
  }
  const { plan, rendered, cacheImage } = await planAndRender(project, run, options, previous);
  const { changed, packages } = await applyStubPlan(plan, rendered, {
    outDir: run.outDir,
    stampFile: run.stampFile,
    source: run.source,
    previous,
  }).catch((error: unknown) => explainOutputError(error, project.root));
  // The image is cached only once the run has written its packages: a refused run leaves nothing behind.
  await cacheImage();
  return { outDir: run.outDir, packages: packages.map((p) => absolute(run.outDir, p)), changed };
}

/**
 * The step generate and `generate --check` share: the units and image (stubUnits), the plan
 * ({@link planStubs}, with the `previous` stamp when there is one) and the packages it generates,
 * rendered in memory. Nothing is written; `cacheImage` stores the image once the caller has.
 */
async function planAndRender(
  project: Project,
  run: StubRun,
  options: StubOptions,
  previous?: Stamp,
): Promise<{ plan: StubPlan; rendered: Map<string, RenderedPackage>; cacheImage: () => Promise<void> }> {
  // The plugin processes load while the schema is compiled and the plan made (a core is mostly idle then).
  const stopUnused = run.plugin.prestart?.(jobsOf(options));
  try {
    return await planAndRenderWith(project, run, options, previous);
  } finally {
    stopUnused?.();
  }
}

/** {@link planAndRender}'s work, once the plugin processes are starting. */
async function planAndRenderWith(
  project: Project,
  run: StubRun,
  options: StubOptions,
  previous?: Stamp,
): Promise<{ plan: StubPlan; rendered: Map<string, RenderedPackage>; cacheImage: () => Promise<void> }> {
  const { image, units, cacheImage } = await stubUnits(project, { key: run.keys.image, only: options.only, searched: run.keys.selected });
  const plan = planStubs({
    units,
    files: image.files,
    selection: selectionOf(options),
    ...(options.version ? { version: options.version } : {}),
    folders: await folderStates(run.outDir, units, options.version, previous),
    salt: run.salt,
    previous,
  });
  const rendered = await renderStubPlan(plan, { ...run, files: image.files, units, jobs: jobsOf(options), ...progressOf(options) });
  return { plan, rendered, cacheImage };
}

/** What `generate --check` compares: every selected package's files by folder name, and the folders a run would remove. */
export interface RenderedStubs {
  outDir: string;
  packages: GeneratedPackage[];
  trees: Map<string, FileTree>;
  /** Stub package folders of packages gone from the module (a full run's, or the first shard's to report). */
  removed: string[];
}

/**
 * Everything generate would write, in memory (`generate --check`): the same plan with no stamp
 * (every selected package rendered), nothing written, not even the image cache.
 */
export async function renderStubs(project: Project, options: Omit<StubOptions, "force" | "version" | "progress">): Promise<RenderedStubs> {
  const run = await prepareRun(project, options);
  await refuseHalfDoneSwap(run.outDir);
  const { plan, rendered } = await planAndRender(project, run, options);
  const trees = new Map(plan.packages.map((p) => [p.dir, rendered.get(p.unit.npmName)?.tree ?? new Map<string, string>()]));
  const packages = plan.packages.map((p) =>
    absolute(run.outDir, {
      npmName: p.unit.npmName,
      protoPackage: p.unit.protoPackage,
      dir: p.dir,
      version: p.version,
      dependencies: rendered.get(p.unit.npmName)?.dependencies ?? [],
    }),
  );
  // Every shard knows the folders of packages gone from the module: the first one reports them.
  const keep = new Set(plan.folders.values());
  const report = plan.prune || options.shard?.index === 1;
  const removed = report ? await stalePackages(run.outDir, trees, (name) => !keep.has(name)) : [];
  return { outDir: run.outDir, packages, trees, removed };
}

/** The run's settings, checked (the versions given; a shard with `only` is planStubs' to refuse), and its keys. */
async function prepareRun(project: Project, options: StubOptions): Promise<StubRun> {
  const { root, config } = project;
  const given: [string, string][] =
    typeof options.version === "string" ? [["--set-version", options.version]] : Object.entries(options.version ?? {});
  for (const [where, version] of given) refuseNonSemver(version, where);
  if (options.outDir !== undefined && !path.isAbsolute(options.outDir)) throw new InternalError(`outDir ${options.outDir} is not absolute`);
  const outDir = options.outDir ?? stubsOutDir(project);
  const plugin = stubGenerator(config.stubs);
  const repository = options.repository ?? (await stubRepository(config, project.repo));
  const workspace = await project.workspace();
  const selection = moduleSelection(config, options.only, await project.stubScope());
  // The search for the selection's files reads each file in the same pass as the keys' digest.
  const search = selection && searchesFiles(workspace, selection) ? (bytes: Buffer) => mayDeclare(bytes, selection) : undefined;
  // buf compiles the selection where git's ignored files are hidden: git lists them during the search.
  if (search) project.snapshot.ignoredSchemaEntries()?.catch(() => undefined);
  const keys = await stubKeys(project, search);
  // Everything besides the inputs that changes the output: the repository URL, the generator
  // (ts-proto or protoc-gen-es), its version and options, the settings (protoship's version and
  // code are in every key: cache-keys.ts).
  const salt = JSON.stringify({
    repository: repository ?? null,
    plugin: [plugin.name, plugin.version],
    options: plugin.options,
    stubs: { ...config.stubs, scope: await project.stubScope() },
    version: options.version ?? null,
    outDir: path.relative(root, outDir),
  });
  return {
    outDir,
    root,
    ...(repository ? { repository } : {}),
    packagesFolder: packagesFolderOf(project, outDir),
    plugin,
    keys,
    salt,
    source: keys.stamp({ salt }),
    stampFile: stampName(options.shard),
  };
}

const selectionOf = (options: Pick<StubOptions, "only" | "shard">) => ({
  ...(options.only ? { only: options.only } : {}),
  ...(options.shard ? { shard: options.shard } : {}),
});
const jobsOf = (options: StubOptions): number => options.jobs ?? os.availableParallelism();
const progressOf = (options: StubOptions) => (options.progress ? { progress: options.progress } : {});
const absolute = (outDir: string, p: StampedPackage): GeneratedPackage => ({ ...p, dir: path.join(outDir, p.dir) });

/** The digest of each stamped package's folder now, by npm name. */
async function stampedDigests(outDir: string, stamp: Stamp): Promise<Map<string, string | undefined>> {
  const entries = await Promise.all(stamp.packages.map(async (p) => [p.npmName, await folderDigest(path.join(outDir, p.dir))] as const));
  return new Map(entries);
}

/**
 * What each unit's folder holds now: its package.json (for the version it keeps, unless one is
 * given) and, when the stamp recorded the unit, the digest of its files.
 */
async function folderStates(
  outDir: string,
  units: readonly ProtoPackageUnit[],
  version?: StubOptions["version"],
  stamp?: Stamp,
): Promise<Map<string, FolderState>> {
  const states = await Promise.all(
    [...folderNames(units)].map(async ([npmName, dirName]): Promise<[string, FolderState]> => {
      const dir = path.join(outDir, dirName);
      const needVersion = typeof version !== "string" && !version?.[npmName];
      const packageJson = needVersion ? await readPackageJson(path.join(dir, "package.json")) : undefined;
      const digest = stamp?.digests?.[npmName] !== undefined ? await folderDigest(dir) : undefined;
      return [npmName, { ...(packageJson ? { packageJson } : {}), ...(digest !== undefined ? { digest } : {}) }];
    }),
  );
  return new Map(states);
}

/** A package folder's package.json (its name and version), as messages show it; none when missing or unreadable. */
async function readPackageJson(file: string): Promise<FolderState["packageJson"]> {
  try {
    const pkg = JSON.parse(await readFile(file, "utf8")) as { name?: unknown; version?: unknown } | null;
    return { file: path.relative(process.cwd(), file), name: pkg?.name, version: pkg?.version };
  } catch {
    return undefined;
  }
}

async function refuseHalfDoneSwap(outDir: string): Promise<void> {
  if (await exists(path.join(outDir, STAGING))) {
    const hint = "run protoship generate to finish it";
    throw new ProtoshipError(`${outDir} holds a generate run that was interrupted (${STAGING})`, { hint });
  }
}

/**
 * The stub units of the project's module (after `stubs.include`/`exclude`) and the files of its
 * compiled image they need (their own and their imports, transitively; in dependency order), each
 * file's source info cut down to its commented locations (all ts-proto reads of it). No unit is an
 * error. With `cache.key`, the image comes from the image cache (image-cache.ts) when one was
 * stored under that key, instead of a buf compile; `cacheImage()` puts a compiled one there.
 *
 * When `stubs.include` or `only` selects part of the module, buf compiles only the files that can
 * declare the selected packages and their imports (selected-image.ts loadSelectedImage), else the
 * whole module. With `only`, the units are the named packages and the module's packages they
 * import (every unit a selected package depends on, as in a full run), and such a partial image is
 * never cached (the cache holds what every run of the key may read).
 */
export async function stubUnits(
  project: Project,
  cache: { key?: string; only?: readonly string[] | undefined; searched?: readonly ProtoFile[] | undefined } = {},
): Promise<{ image: SchemaImage; units: ProtoPackageUnit[]; cacheImage: () => Promise<void> }> {
  const { root, config } = project;
  const include = config.stubs.include ?? [];
  const [{ readImageCache, writeImageCache }, scope] = await Promise.all([import("./image-cache.js"), project.stubScope()]);
  const included = (protoPackage: string): boolean => !include.length || include.some((p) => matchesPackage(p, protoPackage));
  const cached = cache.key ? await readImageCache(root, cache.key) : undefined;
  // A cached image is stored already: only a compiled one may be cached.
  const selection = moduleSelection(config, cache.only, scope);
  const { image, cacheable } = cached
    ? { image: cached, cacheable: false }
    : await compileSelection(project, selection, cache.only !== undefined, cache.searched);
  // Packages left out by `include` are not stub packages: their files are copied into the
  // packages that import them, like any import from outside the module.
  const units = protoPackageUnits(image, config, scope).filter((u) => included(u.protoPackage));
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
    if (cache.key && cacheable) await writeImageCache(root, cache.key, kept);
  };
  return { image: kept, units, cacheImage };
}

/**
 * What `include` and `only` select of the module (the packages, and the words of a file that can
 * declare one), or undefined when neither selects part of it and the module is compiled whole.
 */
function moduleSelection(
  config: Project["config"],
  only: readonly string[] | undefined,
  scope: string | undefined,
): ModuleSelection | undefined {
  const include = config.stubs.include ?? [];
  if (!include.length && !only) return undefined;
  const included = (protoPackage: string): boolean => !include.length || include.some((p) => matchesPackage(p, protoPackage));
  if (!only) return { selected: remembered(included), alternatives: include.map(patternWords) };
  const named = (protoPackage: string): boolean => only.includes(protoPackage) || only.includes(npmNameOrNone(protoPackage, config, scope));
  return { selected: remembered((p) => included(p) && named(p)), alternatives: only.flatMap((name) => onlyWords(name, config)) };
}

/** `test` answered once per package (the search asks for the same few packages thousands of times). */
function remembered(test: (protoPackage: string) => boolean): (protoPackage: string) => boolean {
  const answers = new Map<string, boolean>();
  return (protoPackage) => {
    let answer = answers.get(protoPackage);
    if (answer === undefined) answers.set(protoPackage, (answer = test(protoPackage)));
    return answer;
  };
}

/**
 * The module compiled for a run: only the files that can declare a package `selection` selects
 * (and their imports) when there is one, else whole; `searched`, the files that can (when the
 * keys' digest found them already). `cacheable`: whether the image serves every run of the same
 * inputs (not one cut to `only`'s packages).
 */
async function compileSelection(
  project: Project,
  selection: ModuleSelection | undefined,
  only: boolean,
  searched: readonly ProtoFile[] | undefined,
): Promise<{ image: SchemaImage; cacheable: boolean }> {
  const workspace = await project.workspace();
  // The project's snapshot decides what buf compiles: ignored files never, symlinks as git stores them.
  const { snapshot } = project;
  if (!selection) return { image: await snapshot.image(workspace, { sourceInfo: "comments" }), cacheable: true };
  const { image, subset } = await loadSelectedImage(workspace, snapshot, selection, searched);
  return { image, cacheable: !only || !subset };
}

/**
 * The words of a file that can declare the package an `--only` name names: a proto package's
 * segments; for an npm name, the package stubs.names gives it, and the parts of the name a
 * package would get by default (lowercased, `_` and `.` as `-`).
 */
function onlyWords(name: string, config: Project["config"]): PackageWords[] {
  if (!name.includes("/")) return [patternWords(name)];
  const configured = Object.entries(config.stubs.names)
    .filter(([, npm]) => npm === name)
    .map(([protoPackage]) => patternWords(protoPackage));
  const parts = name
    .slice(name.indexOf("/") + 1)
    .split("-")
    .filter(Boolean);
  return [...configured, { words: parts, lowerCase: true }];
}
/** A proto package's npm name, or "" when it has none (no scope: the full compile reports that). */
function npmNameOrNone(protoPackage: string, config: Project["config"], scope: string | undefined): string {
  try {
    return npmNameOf(protoPackage, config, scope);
  } catch {
    return "";
  }
}
