import path from "node:path";
import { runBuf } from "../buf/run-buf.js";

/** The module roots init proposes, and what buf said about them. */
export interface ModuleRoots {
  /** Repository-relative folders, POSIX separators; `.` for the root itself. */
  roots: string[];
  /** buf's first error when no candidate compiled; undefined when the roots build cleanly. */
  error: string | undefined;
}

/**
 * Finds the module roots of a repository's .proto files by asking buf, never by reading the
 * files: an import path only resolves from the right root, so the right roots are those with which
 * `buf build` compiles every file. Candidates go from shallow to deep: level 0 is the repository
 * root, level k the distinct k-th ancestors of the files (`proto`, then `proto/acme`…). The first
 * level that builds wins; if none does, the level with the fewest failing files is proposed with
 * buf's first error, for the user to review.
 */
export async function findModuleRoots(repoRoot: string, protoFiles: readonly string[]): Promise<ModuleRoots> {
  const maxDepth = Math.min(...protoFiles.map((f) => f.split("/").length - 1));
  let best: { roots: string[]; failures: number; error: string } | undefined;
  for (let depth = 0; depth <= maxDepth; depth++) {
    const roots = [...new Set(protoFiles.map((f) => f.split("/").slice(0, depth).join("/") || "."))].sort();
    const r = await runBuf(["build", ".", "--config", JSON.stringify(bufConfig(roots)), "--error-format", "json", "-o", devNull()], {
      cwd: repoRoot,
    });
    if (r.code === 0) return { roots, error: undefined };
    const lines = r.stdout
      .split("\n")
      .concat(r.stderr.split("\n"))
      .filter((l) => l.startsWith("{"));
    const failing = new Set(lines.map((l) => (JSON.parse(l) as { path?: string }).path ?? ""));
    const first = lines[0] ? describe(JSON.parse(lines[0]) as BufError) : (r.stderr.trim().split("\n")[0] ?? `buf exited ${r.code}`);
    if (!best || failing.size < best.failures) best = { roots, failures: failing.size || Number.MAX_SAFE_INTEGER, error: first };
  }
  return { roots: best!.roots, error: best!.error };
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

interface BufError {
  path?: string;
  start_line?: number;
  start_column?: number;
  message?: string;
}

function describe(e: BufError): string {
  return `${e.path ?? "?"}:${e.start_line ?? 0}:${e.start_column ?? 0}: ${e.message ?? "does not compile"}`;
}

function devNull(): string {
  return process.platform === "win32" ? "NUL" : path.join("/dev", "null");
}
