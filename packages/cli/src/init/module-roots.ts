import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import path from "node:path";
import { firstComplaint, parseDiagnostics } from "../buf/diagnostics.js";
import { runBuf } from "../buf/run-buf.js";

/** The module roots init proposes, and what buf said about them. */
export interface ModuleRoots {
  /** Repository-relative folders, POSIX separators; `.` for the root itself. */
  roots: string[];
  /** buf's first error when no candidate compiled; undefined when the roots build cleanly. */
  error: string | undefined;
  /** How many proto packages the files declare (from buf's image; distinct folders when nothing compiled). */
  packages: number;
}

/**
 * Finds the module roots of a repository's .proto files by asking buf, never by reading the
 * files: an import path only resolves from the right root, so the right roots are those with which
 * `buf build` compiles every file. Candidates go from shallow to deep: level 0 is the repository
 * root, level k the distinct k-th ancestors of the files (`proto`, then `proto/acme`…). Of the
 * levels that build, the one where most files sit in the folder their package names
 * (PACKAGE_DIRECTORY_MATCH: `acme.orders.v1` in `acme/orders/v1/`) wins, the shallowest on a tie;
 * the packages come from the image buf builds (descriptors, not the .proto text). If no level
 * builds, the level with the fewest failing files is proposed with buf's first error.
 */
export async function findModuleRoots(repoRoot: string, protoFiles: readonly string[]): Promise<ModuleRoots> {
  const maxDepth = Math.min(...protoFiles.map((f) => f.split("/").length - 1));
  let best: { roots: string[]; failures: number; error: string } | undefined;
  let chosen: { roots: string[]; misplaced: number } | undefined;
  let packageOf: Map<string, string> | undefined;
  for (let depth = 0; depth <= maxDepth; depth++) {
    const roots = rootsAt(protoFiles, depth);
    const r = await runBuf(
      [
        "build",
        ".",
        "--config",
        JSON.stringify(bufConfig(roots)),
        "--exclude-source-info",
        "--error-format",
        "json",
        "-o",
        "-#format=binpb",
      ],
      { cwd: repoRoot, binary: true },
    );
    if (r.code === 0) {
      packageOf ??= packagesByFile(protoFiles, depth, r.stdoutBytes!);
      const misplaced = protoFiles.filter((f) => !inPackageFolder(f, depth, packageOf!)).length;
      if (!chosen || misplaced < chosen.misplaced) chosen = { roots, misplaced };
      if (misplaced === 0) break;
      continue;
    }
    if (chosen) continue;
    const output = `${r.stdoutBytes?.toString("utf8") ?? ""}\n${r.stderr}`;
    const failing = new Set(parseDiagnostics(output).map((d) => d.path ?? ""));
    const first = firstComplaint(output, `buf exited ${r.code}`);
    if (!best || failing.size < best.failures) best = { roots, failures: failing.size || Number.MAX_SAFE_INTEGER, error: first };
  }
  const packages = packageOf ? new Set(packageOf.values()).size : new Set(protoFiles.map((f) => path.posix.dirname(f))).size;
  if (chosen) return { roots: chosen.roots, error: undefined, packages };
  return { roots: best!.roots, error: best!.error, packages };
}

function rootsAt(protoFiles: readonly string[], depth: number): string[] {
  return [...new Set(protoFiles.map((f) => rootOf(f, depth)))].sort();
}

function rootOf(file: string, depth: number): string {
  return file.split("/").slice(0, depth).join("/") || ".";
}

/** The module-relative path of `file` under its root at `depth`. */
function moduleRelative(file: string, depth: number): string {
  return file.split("/").slice(depth).join("/");
}

/** Each repository file's proto package, read from an image built with the roots at `depth`. */
function packagesByFile(protoFiles: readonly string[], depth: number, image: Uint8Array): Map<string, string> {
  const set = fromBinary(FileDescriptorSetSchema, image);
  const byName = new Map(set.file.map((f) => [f.name, f.package]));
  const packages = new Map<string, string>();
  for (const file of protoFiles) {
    const pkg = byName.get(moduleRelative(file, depth));
    if (pkg !== undefined) packages.set(file, pkg);
  }
  return packages;
}

/** Whether `file`, under its root at `depth`, sits in the folder its package names. */
function inPackageFolder(file: string, depth: number, packages: ReadonlyMap<string, string>): boolean {
  const pkg = packages.get(file);
  if (pkg === undefined) return true;
  const folder = path.posix.dirname(moduleRelative(file, depth));
  return folder === (pkg === "" ? "." : pkg.split(".").join("/"));
}

/**
 * A buf.yaml v2 workspace with these module roots, as data (written by init, passed to buf here).
 * Each module leaves out its node_modules: installed packages (protobufjs…) carry .proto files.
 */
export function bufConfig(roots: readonly string[]): { version: "v2"; modules: { path: string; excludes: string[] }[] } {
  return {
    version: "v2",
    modules: roots.map((root) => ({ path: root, excludes: [root === "." ? "node_modules" : `${root}/node_modules`] })),
  };
}
