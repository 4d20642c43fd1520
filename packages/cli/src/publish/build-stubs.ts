import { existsSync, realpathSync } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentError, ProtoshipError } from "../errors.js";
import { generateStubsIn } from "../generate/generate-stubs.js";
import type { Project } from "../project/project.js";
import { startProgress } from "../process/progress.js";
import { runNpm } from "./npm.js";
import { closure, runInDependencyOrder } from "../schema/package-graph.js";

/** What a stub package needs to build, besides the stub packages it imports. */
const BUILD_MODULES = ["typescript", "@bufbuild/protobuf", "@grpc/grpc-js", "@types/node"] as const;

/** Input of {@link BuildStubPackages}. */
export interface BuildStubsInput {
  /** The repository at the release commit: a folder holding its schema files and protoship.yaml. */
  source: Project;
  /** The repository itself: where the build tools (BUILD_MODULES) are installed. */
  repoRoot: string;
  /** Version of every unit at that commit (released or not), by npm name. */
  versions: Record<string, string>;
  /** npm names to build; the stub packages they import are built too. */
  names: readonly string[];
  /** The repository URL the packages' package.json names (npm needs it for provenance), if any. */
  repository?: string;
  /** Scratch folder, removed by the caller. */
  workDir: string;
  /** How many package builds run at once (default: the machine's cores). */
  jobs?: number;
}

/** Builds stub packages and returns the folder of each requested one, ready for `npm publish`. */
export type BuildStubPackages = (input: BuildStubsInput) => Promise<Map<string, string>>;

/**
 * Generates every stub package at the release commit with `protoship generate`'s generator, with
 * the release versions (imports between stub packages become `^<version>`), then runs each needed
 * package's own `build` script, each after the packages it imports, independent ones in parallel
 * (`jobs` at once). Build tools are linked from the repository's node_modules, so nothing is downloaded.
 */
export const buildStubPackages: BuildStubPackages = async (input) => {
  const outDir = path.join(input.workDir, "packages");
  const generated = await generateStubsIn(input.source, {
    outDir,
    version: input.versions,
    ...(input.repository ? { repository: input.repository } : {}),
  });
  const byName = new Map(generated.packages.map((p) => [p.npmName, p]));
  const missing = input.names.filter((n) => !byName.has(n));
  if (missing.length > 0) throw new ProtoshipError(`no stub package ${missing.join(", ")} at the release commit`);

  // Packages resolve their imports from outDir/node_modules: the build tools and built siblings.
  const modules = path.join(outDir, "node_modules");
  for (const name of BUILD_MODULES)
    await link(findInstalled(name, [input.repoRoot, path.dirname(fileURLToPath(import.meta.url))]), path.join(modules, name));
  const bin = path.join(input.workDir, "bin");
  await mkdir(bin, { recursive: true });
  await symlink(path.join(path.join(modules, "typescript"), "bin", "tsc"), path.join(bin, "tsc"));

  // The needed packages and what they import, each built after its dependencies.
  const needed = closure(input.names, (name) => byName.get(name)?.dependencies);
  const packages = [...needed].flatMap((name) => byName.get(name) ?? []);
  const progress = startProgress("build", packages.length, "stub packages");
  // protobuf-es packages are generated ready to publish: they have no build script to run.
  const buildable = input.source.config.stubs.generator === "ts-proto";
  const build = async (pkg: (typeof packages)[number]): Promise<void> => {
    const r = buildable
      ? await runNpm(["run", "build", "--silent"], {
          cwd: pkg.dir,
          env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
        })
      : { code: 0, stdout: "", stderr: "" };
    if (r.code !== 0)
      throw new ProtoshipError(`building ${pkg.npmName} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(0, 5).join(" | ")}`);
    // Its importers start only after this: they resolve it from outDir/node_modules.
    await link(pkg.dir, path.join(modules, ...pkg.npmName.split("/")));
    progress.tick();
  };
  try {
    await runInDependencyOrder(
      packages,
      (p) => p.npmName,
      (p) => p.dependencies,
      input.jobs ?? os.availableParallelism(),
      build,
    );
  } finally {
    progress.done();
  }
  return new Map(input.names.map((n) => [n, byName.get(n)!.dir]));
};

async function link(target: string, at: string): Promise<void> {
  await mkdir(path.dirname(at), { recursive: true });
  await symlink(target, at, "dir");
}

/** Finds an installed package by walking up node_modules folders from each start folder. */
function findInstalled(name: string, starts: readonly string[]): string {
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", ...name.split("/"));
      if (existsSync(path.join(candidate, "package.json"))) return realpathSync(candidate);
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new EnvironmentError(
    `publishing stub packages needs ${name} installed in the repository`,
    `npm install --save-dev ${BUILD_MODULES.join(" ")}`,
  );
}
