import semver from "semver";
import { npmNameProblem } from "../config/npm-name.js";
import { ConfigError, ProtoshipError } from "../errors.js";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { partition } from "./partition.js";
import type { Shard } from "./shard.js";

/** Which packages a run generates: every one, the named ones (`only`), or one CI shard; never both. */
export interface StubSelection {
  /** npm names or proto packages. */
  only?: readonly string[];
  shard?: Shard;
}

/** The one place `only` with `shard` is refused (exit 2; planStubs calls it): a shard is a share of every package. */
export function refuseOnlyWithShard(selection: StubSelection): void {
  if (selection.only && selection.shard) throw new ConfigError("--shard is a share of every package: it takes no --only");
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

/**
 * The units split into `count` CI shards of about equal weight (unitWeights; greedy
 * largest-first, npm name on a tie): the same schema gives the same shards on every machine. A
 * shard may be empty when there are fewer units than shards.
 */
export function shardUnits(units: readonly ProtoPackageUnit[], weights: ReadonlyMap<string, number>, count: number): ProtoPackageUnit[][] {
  return partition(
    units,
    count,
    (u) => weights.get(u.npmName) ?? 0,
    (u) => u.npmName,
  );
}

/** The units `only` names (by npm name or proto package), all of them without `only`; an unknown name is an error. */
export function selectUnits(units: readonly ProtoPackageUnit[], only: readonly string[] | undefined): ProtoPackageUnit[] {
  if (!only) return [...units];
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
export function folderNames(units: readonly ProtoPackageUnit[]): Map<string, string> {
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

/** A package.json found in a package's folder: where (as shown in messages), and what it says. */
export interface FoundPackageJson {
  file: string;
  name?: unknown;
  version?: unknown;
}

/**
 * A package's version: the one given (one for all, or by npm name), else the version in its
 * folder's package.json when that package.json is the package's, else 0.0.0.
 */
export function versionOf(
  npmName: string,
  given: string | Record<string, string> | undefined,
  found: FoundPackageJson | undefined,
): string {
  if (typeof given === "string") return given;
  if (given?.[npmName]) return given[npmName];
  if (found?.name === npmName && found.version) return refuseNonSemver(found.version, `${found.file}: version`);
  return "0.0.0";
}

/**
 * `version` when it is a semver version exactly as npm writes one (`1.2.0`, `2.0.0-rc.1`), else a
 * ConfigError naming `where` (exit 2): a version lands in package.json and in the dependency ranges
 * of other packages, so nothing else may pass (`x"; rm -rf /`).
 */
export function refuseNonSemver(version: unknown, where: string): string {
  if (typeof version === "string" && semver.valid(version) === version) return version;
  throw new ConfigError(`${where} ${JSON.stringify(version)}: expected a semver version, e.g. 1.2.0`);
}

/**
 * Characters a .proto file's name cannot hold if its generated module is to be imported: the name
 * becomes a string literal of generated code (`export * from "./a.js"`, ts-proto's imports), where
 * a quote, a backslash, a line break or another control character would end or change it.
 */
const UNSAFE_NAME = /["'`\\\u0000-\u001f\u007f\u2028\u2029]/;

/**
 * Refuses (exit 2) a .proto file whose name generated code cannot import ({@link UNSAFE_NAME}),
 * among the files of `units` and every file they import (`files`, by name): the first one, named
 * with its characters escaped. Its stubs would otherwise lose the file, or carry its name as code.
 */
export function refuseUnsafeFileNames(units: readonly ProtoPackageUnit[], files: ReadonlyMap<string, FileDescriptorProto>): void {
  const seen = new Set<string>();
  const queue = units.flatMap((u) => u.files.map((f) => f.name));
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (UNSAFE_NAME.test(name)) {
      throw new ProtoshipError(
        `${JSON.stringify(name)}: a .proto file whose name holds a quote, a backslash or a control character (a line break) cannot become an importable TypeScript module`,
        { hint: "rename the file" },
      );
    }
    queue.push(...(files.get(name)?.dependency ?? []));
  }
}
