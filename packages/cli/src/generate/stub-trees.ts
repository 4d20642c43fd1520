import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import path from "node:path";
import type { Progress } from "../process/progress.js";
import { InternalError } from "../errors.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import type { StubSources } from "./stub-sources.js";
import { packageJson, readme, smokeTest, tsconfigCjs, tsconfigEsm, turboJson, type PackageInput } from "./package-files.js";
import { esPackageFiles } from "./protobuf-es-package-files.js";
import type { StubGenerator } from "./stub-generator.js";
import type { PlannedPackage, StubPlan } from "./stub-plan.js";
import type { FileTree } from "./write-packages.js";

/** Where the packages go, as their files name it. */
export interface PackagePlace {
  /** Absolute path of the folder holding the packages, and of the repository root. */
  outDir: string;
  root: string;
  /** The repository URL package.json names, if any, and the packages' folder in that repository. */
  repository?: string;
  packagesFolder: string;
}

/** One package's files as generated, and the stub packages it depends on. */
export interface RenderedPackage {
  tree: FileTree;
  dependencies: string[];
}

/** What {@link renderStubPlan} needs besides the plan. */
export interface RenderInput extends PackagePlace {
  /** The compiled files, in buf's dependency order, and every unit of the module. */
  files: readonly FileDescriptorProto[];
  units: readonly ProtoPackageUnit[];
  plugin: StubGenerator;
  jobs: number;
  progress?: (total: number) => Progress;
}

/**
 * The files of every package the plan generates (generate-sources.ts: the plugin fed in parallel
 * batches), by npm name. Nothing is written.
 */
export async function renderStubPlan(plan: StubPlan, input: RenderInput): Promise<Map<string, RenderedPackage>> {
  const todo = plan.packages.filter((p) => p.generate);
  const rendered = new Map<string, RenderedPackage>();
  if (!todo.length) return rendered;
  const { generateSources } = await import("./generate-sources.js");
  const progress = input.progress?.(todo.length);
  const all = await generateSources({
    files: input.files,
    units: input.units,
    todo: todo.map((p) => p.unit),
    weights: plan.weights,
    plugin: input.plugin,
    jobs: input.jobs,
    ...(progress ? { progress } : {}),
  })
    // Ends the progress line before an error is printed after it.
    .finally(() => progress?.done());
  // generateSources returns one package's sources per unit of `todo`, in its order.
  for (const [i, planned] of todo.entries()) {
    const sources = all[i];
    if (sources?.unit.npmName !== planned.unit.npmName) throw new InternalError(`no generated sources for ${planned.unit.npmName}`);
    rendered.set(planned.unit.npmName, { tree: packageTree(planned, sources, plan.versions, input), dependencies: sources.dependencies });
  }
  return rendered;
}

/**
 * A package's whole folder: the generator's sources and the package's own files (package.json,
 * README…); `versions` has every unit's version, for the ranges of the stub packages it imports.
 */
function packageTree(planned: PlannedPackage, sources: StubSources, versions: ReadonlyMap<string, string>, input: RenderInput): FileTree {
  const { unit, dir: dirName, version } = planned;
  const rangeOf = (npmName: string): string => {
    const found = versions.get(npmName);
    if (found === undefined) throw new InternalError(`${unit.npmName} imports ${npmName}, which is no stub unit`);
    return `^${found}`;
  };
  const common = {
    unit,
    version,
    dependencies: Object.fromEntries(sources.dependencies.map((d) => [d, rangeOf(d)])),
    rootFromPackage: rootFrom(path.join(input.outDir, dirName), input.root),
    ...(input.repository ? { repository: { url: input.repository, directory: path.posix.join(input.packagesFolder, dirName) } } : {}),
  };
  if (input.plugin.name === "protobuf-es") {
    // protoc-gen-es's esm/ and cjs/ files are the package's code as they are: nothing to build.
    const files = esPackageFiles({ ...common, protocGenEsVersion: input.plugin.version });
    for (const [file, text] of sources.files) files.set(file, text);
    return files;
  }
  const pkg: PackageInput = { ...common, tsProtoVersion: input.plugin.version };
  const files: FileTree = new Map([
    ["README.md", readme(pkg)],
    ["package.json", packageJson(pkg)],
    ["test/smoke.test.mjs", smokeTest()],
    ["tsconfig.cjs.json", tsconfigCjs()],
    ["tsconfig.json", tsconfigEsm()],
    ["turbo.json", turboJson()],
  ]);
  for (const [file, text] of sources.files) files.set(`src/${file}`, text);
  return files;
}

/** `root` relative to a package folder, or "." outside the repository (no absolute paths in output). */
function rootFrom(dir: string, root: string): string {
  const rel = path.relative(dir, root).split(path.sep).join("/");
  return rel.split("/").every((s) => s === "..") ? rel : ".";
}
