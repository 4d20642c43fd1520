import { CONFIG_FILE } from "../config/load-config.js";
import { severityOf, sortChanges, type SchemaChange } from "./classify.js";
import type { ReleaseTag } from "./tags.js";
import { caretCompatible, isUnstablePackage, nextVersion, type Bump } from "./version-rules.js";
import { dependencyOrder as orderByDependencies } from "../schema/package-graph.js";

/**
 * The release plan as a pure function of gathered data (modelled on changesets'
 * assemble-release-plan): no git, no buf, no file system. `computePlan` (plan.ts) gathers the
 * data; this module owns the version rules applied to it.
 */

/** What assembly needs of a unit (one proto package, one npm package). */
export interface PlanUnit {
  /** The proto package, e.g. "mesh.probe.v1". */
  protoPackage: string;
  /** The npm package name, e.g. "@mesh/probe-v1". */
  npmName: string;
  /** Proto packages of the units this one imports. */
  dependsOn: readonly string[];
  /** The unit's files at HEAD, module-relative names. */
  files: readonly { name: string }[];
}

/** The release of one unit. */
export interface PackagePlan<U extends PlanUnit = PlanUnit> {
  /** npm name, e.g. `@mesh/probe-v1`. */
  name: string;
  protoPackage: string;
  /** Last released version, null before the first release. */
  current: string | null;
  /** Version to release, null when nothing changed. */
  next: string | null;
  bump: Bump;
  /** Every change since the last release: the changelog. */
  changes: SchemaChange[];
  /** npm names of the units this one imports. */
  dependsOn: string[];
  /** The tag `current` came from. */
  lastTag: ReleaseTag | undefined;
  unit: U;
}

/** What `release plan` computes; `packages` is in dependency order (imported units first). */
export interface ReleasePlan<U extends PlanUnit = PlanUnit> {
  head: string;
  packages: PackagePlan<U>[];
}

/** Everything the plan is decided from, already gathered. */
export interface PlanInput<U extends PlanUnit> {
  /** The commit planned. */
  head: string;
  /** Every unit at HEAD, in any order. */
  units: readonly U[];
  /** Each unit's last release reachable from HEAD, by npm name; absent before the first release. */
  lastRelease: ReadonlyMap<string, ReleaseTag>;
  /**
   * Schema changes since the last release, already classified, by proto package. Read only for
   * released units (a first release lists its files instead); a missing entry means no change.
   */
  changes: ReadonlyMap<string, readonly SchemaChange[]>;
  /** Maps a module-relative file name to its repository path (for changelog positions). */
  repoPath: (moduleFile: string) => string;
  /**
   * The stub generator (`stubs.generator`) at HEAD and, by npm name, the one each released unit was
   * released with (absent when unknown). Absent: no generator changed.
   */
  generator?: { head: string; atRelease: ReadonlyMap<string, string> };
}

/**
 * The change a new stub generator makes to a released package: its code is another library's
 * (ts-proto's interfaces and grpc-js stubs, or protobuf-es's schemas and Connect descriptors), so
 * every consumer's code breaks, whatever the schema did. Undefined when the generator is the same or unknown.
 */
export function generatorChange(released: string | undefined, head: string): SchemaChange | undefined {
  if (released === undefined || released === head) return undefined;
  return {
    kind: "breaking",
    message: `stub generator changed from ${released} to ${head}: the package's API is new (breaking)`,
    file: CONFIG_FILE,
    line: null,
  };
}

/**
 * Applies the release rules to gathered data: a first release lists the unit's files as added;
 * later releases bump by the most severe change (see nextVersion, with buf's unstable-package
 * rule), a change of stub generator being breaking ({@link generatorChange}); a unit whose dependency moves outside the `^current` range gets an "updated dependency"
 * change (patch), which needs the dependency planned first, hence dependency order.
 */
export function assemblePlan<U extends PlanUnit>(input: PlanInput<U>): ReleasePlan<U> {
  const units = dependencyOrder(input.units);
  const npmNameOf = new Map(units.map((u) => [u.protoPackage, u.npmName]));
  const byProtoPackage = new Map<string, PackagePlan<U>>();
  const packages: PackagePlan<U>[] = [];
  for (const unit of units) {
    const lastTag = input.lastRelease.get(unit.npmName);
    const changes: SchemaChange[] = lastTag
      ? [...(input.changes.get(unit.protoPackage) ?? [])]
      : unit.files.map((f) => ({
          kind: "additive" as const,
          message: `added file \`${f.name}\``,
          file: input.repoPath(f.name),
          line: null,
        }));
    const generator = lastTag && input.generator && generatorChange(input.generator.atRelease.get(unit.npmName), input.generator.head);
    if (generator) changes.push(generator);
    // A dependency moving to a version outside `^current` must be picked up by a new release.
    for (const dep of unit.dependsOn) {
      const d = byProtoPackage.get(dep);
      if (lastTag && d?.current && d.next && !caretCompatible(d.current, d.next)) {
        changes.push({
          kind: "dependency",
          message: `updated dependency \`${d.name}\` to ${d.next}`,
          file: input.repoPath(unit.files[0]!.name),
          line: null,
        });
      }
    }
    sortChanges(changes);
    const current = lastTag?.version ?? null;
    const { bump, next } = nextVersion(current, severityOf(changes), isUnstablePackage(unit.protoPackage));
    const plan: PackagePlan<U> = {
      name: unit.npmName,
      protoPackage: unit.protoPackage,
      current,
      next,
      bump,
      changes,
      dependsOn: unit.dependsOn.map((p) => npmNameOf.get(p) ?? p),
      lastTag,
      unit,
    };
    byProtoPackage.set(unit.protoPackage, plan);
    packages.push(plan);
  }
  return { head: input.head, packages };
}

/** Sorts units so every unit comes after the units it imports (ties by proto package). */
export function dependencyOrder<U extends PlanUnit>(units: readonly U[]): U[] {
  return orderByDependencies(
    units,
    (u) => u.protoPackage,
    (u) => u.dependsOn,
  );
}
