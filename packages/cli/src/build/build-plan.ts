import { ConfigError } from "../errors.js";
import { closure, dependencyOrder } from "../schema/package-graph.js";
import type { StubPackageOnDisk } from "./stub-workspace.js";

/** What `protoship build` runs: {@link planBuild}. */
export interface BuildPlan {
  /** The packages to build, each after the ones it depends on. */
  build: StubPackageOnDisk[];
  /** Packages needed that have no `build` script: ready as generated (protobuf-es writes JavaScript and declarations). */
  ready: StubPackageOnDisk[];
}

/**
 * Which stub packages to build, in dependency order: those named (npm names), and the stub packages
 * they depend on, which their build reads; every package when no name is given. A name that is
 * no stub package is refused (exit 2). A package without a `build` script has nothing to build.
 */
export function planBuild(packages: readonly StubPackageOnDisk[], names: readonly string[] = []): BuildPlan {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) {
    throw new ConfigError(
      `no stub package ${unknown.join(", ")}`,
      packages.length ? `stub packages: ${listNames(packages.map((p) => p.name))}` : "run protoship generate first",
    );
  }
  const wanted = names.length ? closure(names, (n) => byName.get(n)?.dependencies) : new Set(byName.keys());
  const ordered = dependencyOrder(
    packages.filter((p) => wanted.has(p.name)),
    (p) => p.name,
    (p) => p.dependencies,
  );
  return { build: ordered.filter((p) => p.build !== undefined), ready: ordered.filter((p) => p.build === undefined) };
}

function listNames(names: readonly string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
}
