import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { unitHash } from "./input-hash.js";
import {
  folderNames,
  refuseOnlyWithShard,
  refuseUnsafeFileNames,
  selectUnits,
  shardUnits,
  versionOf,
  type FoundPackageJson,
  type StubSelection,
} from "./select-units.js";
import { intact, type Stamp } from "./stamp.js";
import { unitWeights } from "./unit-weight.js";

/** What a stub package's folder under outDir holds now (gathered from disk before planning). */
export interface FolderState {
  /** Its package.json, when there is a readable one. */
  packageJson?: FoundPackageJson;
  /** Digest of its generated files (write-packages.ts folderDigest), when it is a stub package folder. */
  digest?: string;
}

/** Everything {@link planStubs} decides from: plain data, no file system, git or buf. */
export interface StubPlanInput {
  /** Every stub unit of the module. */
  units: readonly ProtoPackageUnit[];
  /** The compiled files the units need (their own and their imports'). */
  files: readonly FileDescriptorProto[];
  selection: StubSelection;
  /** The packages' version: one for all, or by npm name (else each keeps the one on disk, else 0.0.0). */
  version?: string | Record<string, string>;
  /** Each unit's folder as it is now, by npm name (a unit missing here has none). */
  folders: ReadonlyMap<string, FolderState>;
  /** Everything else the output depends on (generator, options, settings): part of every package's hash. */
  salt: string;
  /** The last run's stamp; none (a forced run, `--check`, `--only`) means every selected package is generated. */
  previous?: Stamp | undefined;
}

/** One selected package of a {@link StubPlan}. */
export interface PlannedPackage {
  unit: ProtoPackageUnit;
  /** Its folder's name under outDir. */
  dir: string;
  version: string;
  /** Hash of everything its files are made of (input-hash.ts unitHash). */
  hash: string;
  /** Whether it is generated: its inputs changed since the stamp, or its folder no longer holds what was written. */
  generate: boolean;
}

/** What a generate run does, decided before anything is generated or written. */
export interface StubPlan {
  /** The selected packages, in unit order. */
  packages: PlannedPackage[];
  /** Every unit's folder name (packages outside the selection keep theirs). */
  folders: Map<string, string>;
  /** Every unit's version (the dependency ranges of the generated packages). */
  versions: Map<string, string>;
  /** Every unit's weight (unit-weight.ts), for the plugin batches. */
  weights: Map<string, number>;
  /** Whether the run records a stamp: a full or shard run; a run of named packages (`only`) does not. */
  stamped: boolean;
  /** Whether the run removes the stub package folders of packages gone from the module: a full run only. */
  prune: boolean;
}

/**
 * Plans a generate run: which packages are selected (all, `only`'s, or a shard's), their folders
 * and versions, and which of them must be generated because their hash differs from the
 * `previous` stamp's or their folder changed since it was written. Pure: throws the user's
 * mistakes (a shard with `only`, an unknown name, a folder collision, a non-semver version, a
 * .proto name generated code cannot import).
 */
export function planStubs(input: StubPlanInput): StubPlan {
  const { units, selection, previous } = input;
  refuseOnlyWithShard(selection);
  const weights = unitWeights(units, input.files);
  const selected = selection.shard
    ? (shardUnits(units, weights, selection.shard.count)[selection.shard.index - 1] ?? [])
    : selectUnits(units, selection.only);
  const folders = folderNames(units);
  const versions = new Map(units.map((u) => [u.npmName, versionOf(u.npmName, input.version, input.folders.get(u.npmName)?.packageJson)]));
  const descriptors = new Map(input.files.map((f) => [f.name, f]));
  refuseUnsafeFileNames(selected, descriptors);
  const salt = `${input.salt}${JSON.stringify([...versions])}`;
  const packages = selected.map((unit): PlannedPackage => {
    const hash = unitHash(unit, descriptors, salt);
    const unchanged = previous?.units[unit.npmName] === hash && intact(previous, unit.npmName, input.folders.get(unit.npmName)?.digest);
    return { unit, dir: folders.get(unit.npmName)!, version: versions.get(unit.npmName)!, hash, generate: !unchanged };
  });
  const stamped = !selection.only;
  return { packages, folders, versions, weights, stamped, prune: stamped && !selection.shard };
}
