import { ConfigError, ProtoshipError } from "../errors.js";
import { closure, dependencyOrder } from "../schema/package-graph.js";
import type { StubPackageOnDisk } from "./stub-workspace.js";

/**
 * Which stub packages to build, in dependency order: those named (npm names), and the stub packages
 * they depend on, which their build reads; every package when no name is given. A name that is
 * no stub package is refused (exit 2), as is a package to build that has no `build` script.
 */
export function planBuild(packages: readonly StubPackageOnDisk[], names: readonly string[] = []): StubPackageOnDisk[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) {
    throw new ConfigError(
      `no stub package ${unknown.join(", ")}`,
      packages.length ? `stub packages: ${listNames(packages.map((p) => p.name))}` : "run protoship generate first",
    );
  }
  const wanted = names.length ? closure(names, (n) => byName.get(n)?.dependencies) : new Set(byName.keys());
  const plan = dependencyOrder(
    packages.filter((p) => wanted.has(p.name)),
    (p) => p.name,
    (p) => p.dependencies,
  );
  const scriptless = plan.filter((p) => p.build === undefined);
  if (scriptless.length) {
    throw new ProtoshipError(`stub package ${scriptless.map((p) => p.name).join(", ")} has no build script`, {
      hint: "run protoship generate to rewrite the stub packages",
    });
  }
  return plan;
}

function listNames(names: readonly string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
}
