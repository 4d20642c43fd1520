import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readBufWorkspace, type BufWorkspace } from "../buf/buf-config.js";
import { loadConfig } from "../config/load-config.js";
import { ProtoshipError } from "../errors.js";
import { loadImage } from "../schema/load-image.js";
import { protoPackageUnits, type ProtoPackageUnit } from "../schema/proto-packages.js";
import { assemble } from "./assemble.js";
import { packageJson, readme, smokeTest, tsconfigCjs, tsconfigEsm, turboJson, type PackageInput } from "./package-files.js";
import { runTsProto, tsProtoVersion } from "./run-ts-proto.js";
import { tsProtoOptions } from "./ts-proto-options.js";
import { replaceFolders, type FileTree } from "./write-atomic.js";

/** Options of {@link generateStubs}. */
export interface GenerateStubsOptions {
  /** Repository root: where protoship.yaml (optional) and the buf configuration are. */
  cwd: string;
  /** Where the package folders go, absolute or relative to `cwd` (default: config `stubs.outDir`). */
  outDir?: string;
  /**
   * Version of the generated packages: one for all, or per npm name. A package missing from the
   * map keeps the version in its existing package.json under `outDir`, else 0.0.0. Dependencies
   * between stub packages are `^<version of the dependency>`.
   */
  version?: string | Record<string, string>;
  /** Generate only these packages (npm names or proto packages); others in `outDir` are left alone. */
  only?: string[];
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

/** What {@link generateStubs} did. */
export interface GenerateStubsResult {
  outDir: string;
  packages: GeneratedPackage[];
  /** Folder names under outDir that were written or removed (empty on a no-op rerun). */
  changed: string[];
}

/**
 * Generates one npm package per proto package of the module with ts-proto (through `buf
 * generate`), deterministically and atomically: the same input gives byte-identical files, and
 * nothing under `outDir` changes unless every package was generated. A schema error throws a
 * ProtoshipError with `file:line:col`.
 */
export async function generateStubs(options: GenerateStubsOptions): Promise<GenerateStubsResult> {
  const root = path.resolve(options.cwd);
  const config = await loadConfig(root);
  const workspace = await readBufWorkspace(root, config.bufYaml);
  const bufDir = path.join(root, workspace.dir);
  const outDir = path.resolve(root, options.outDir ?? config.stubs.outDir);

  // Compile (for descriptors and precise errors) and generate side by side: two cores, two buf runs.
  const [imageResult, treeResult] = await Promise.allSettled([
    loadImage(root, workspace.dir ? { workspaceDir: workspace.dir } : {}),
    runTsProto(bufDir, tsProtoOptions(config.stubs.tsProtoOptions)),
  ]);
  if (imageResult.status === "rejected") throw imageResult.reason;
  if (treeResult.status === "rejected") throw treeResult.reason;
  const units = protoPackageUnits(imageResult.value, config);
  const selected = selectUnits(units, options.only);
  const dirNames = folderNames(units);

  const versions = new Map<string, string>();
  for (const unit of units) versions.set(unit.npmName, await versionOf(unit.npmName, options.version, path.join(outDir, dirNames.get(unit.npmName)!)));

  const trees = new Map<string, FileTree>();
  const packages: GeneratedPackage[] = [];
  const tsProto = tsProtoVersion();
  for (const sources of assemble(treeResult.value, units, selected)) {
    const { unit } = sources;
    const input: PackageInput = {
      unit,
      version: versions.get(unit.npmName)!,
      dependencies: Object.fromEntries(sources.dependencies.map((d) => [d, `^${versions.get(d)!}`])),
      protoInputs: await protoInputs(root, workspace, unit, units),
      tsProtoVersion: tsProto,
      rootFromPackage: rootFrom(path.join(outDir, dirNames.get(unit.npmName)!), root),
    };
    const tree: FileTree = new Map([
      ["README.md", readme(input)],
      ["package.json", packageJson(input)],
      ["test/smoke.test.mjs", smokeTest()],
      ["tsconfig.cjs.json", tsconfigCjs()],
      ["tsconfig.json", tsconfigEsm()],
      ["turbo.json", turboJson(input)],
    ]);
    for (const [file, text] of sources.files) tree.set(`src/${file}`, text);
    const dirName = dirNames.get(unit.npmName)!;
    trees.set(dirName, tree);
    packages.push({ npmName: unit.npmName, protoPackage: unit.protoPackage, dir: path.join(outDir, dirName), version: input.version, dependencies: sources.dependencies });
  }
  const changed = await replaceFolders(outDir, trees, options.only ? {} : { prune: (name) => isGeneratedPackage(path.join(outDir, name)) });
  return { outDir, packages, changed };
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

/** Folder of each package: the npm name without its scope, which must be unique. */
function folderNames(units: readonly ProtoPackageUnit[]): Map<string, string> {
  const names = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const unit of units) {
    const dir = unit.npmName.split("/").pop()!;
    const other = seen.get(dir);
    if (other) throw new ProtoshipError(`stub packages ${other} and ${unit.npmName} would share the folder ${dir}`, { hint: "rename one with stubs.names in protoship.yaml" });
    seen.set(dir, unit.npmName);
    names.set(unit.npmName, dir);
  }
  return names;
}

async function versionOf(npmName: string, version: GenerateStubsOptions["version"], dir: string): Promise<string> {
  if (typeof version === "string") return version;
  if (version?.[npmName]) return version[npmName];
  try {
    const pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
    if (pkg.name === npmName && pkg.version) return pkg.version;
  } catch {
    // No previous package: start at 0.0.0.
  }
  return "0.0.0";
}

/** Repository-relative folders of the protos a package's code is generated from, its imports' included. */
async function protoInputs(root: string, workspace: BufWorkspace, unit: ProtoPackageUnit, units: readonly ProtoPackageUnit[]): Promise<string[]> {
  const byPackage = new Map(units.map((u) => [u.protoPackage, u]));
  const seen = new Set<string>();
  const visit = (u: ProtoPackageUnit): void => {
    if (seen.has(u.protoPackage)) return;
    seen.add(u.protoPackage);
    for (const dep of u.dependsOn) visit(byPackage.get(dep)!);
  };
  visit(unit);
  const dirs = new Set<string>();
  for (const name of seen) {
    for (const file of byPackage.get(name)!.files) {
      for (const module of workspace.modules) {
        const repoPath = path.posix.join(module.root || ".", file.name);
        if (await exists(path.join(root, repoPath))) {
          dirs.add(path.posix.dirname(repoPath));
          break;
        }
      }
    }
  }
  return [...dirs].sort();
}

/** `root` relative to a package folder, or "." outside the repository (no absolute paths in output). */
function rootFrom(dir: string, root: string): string {
  const rel = path.relative(dir, root).split(path.sep).join("/");
  return rel.split("/").every((s) => s === "..") ? rel : ".";
}

/** A folder protoship generated earlier (its package.json regenerates itself through protoship). */
async function isGeneratedPackage(dir: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return /^protoship (-C \S+ )?generate\b/.test(pkg.scripts?.generate ?? "");
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

