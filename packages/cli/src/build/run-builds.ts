import { spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { EnvironmentError, FindingsError } from "../errors.js";
import { runInDependencyOrder } from "../schema/package-graph.js";
import type { StubPackageOnDisk } from "./stub-workspace.js";
import { onInterrupt } from "../process/interrupt.js";

/** Options of {@link runStubBuilds}. */
export interface RunStubBuildsOptions {
  /** The repository root: `node_modules/.bin` of every folder from a package up to it goes on PATH. */
  root: string;
  /** How many package builds run at once. */
  jobs: number;
  /** Called after each package built. */
  onBuilt?: (pkg: StubPackageOnDisk) => void;
}

/** What one failed build printed, and how it ended. */
interface Failure {
  pkg: StubPackageOnDisk;
  code: number | null;
  output: string;
}

/** How much of a failed build's output is kept: its end, where tsc's summary and the shell's error are. */
const KEPT_OUTPUT = 64 * 1024;
/** Lines of a failed build's output shown in the error. */
const SHOWN_LINES = 5;

/**
 * Runs each package's `build` script as npm and pnpm run scripts (a shell in the package folder,
 * `node_modules/.bin` of the package and of each folder up to the root first on PATH), each only
 * after the stub packages it depends on have built, `jobs` at once. A package whose build fails is
 * reported, its dependents are not started (their build would read its missing output), and the
 * independent ones still build, so one run names every failing package. Throws a FindingsError
 * (exit 1) naming them, with the first lines of each one's output.
 */
export async function runStubBuilds(plan: readonly StubPackageOnDisk[], options: RunStubBuildsOptions): Promise<void> {
  const failures: Failure[] = [];
  const notBuilt = new Set<string>();
  await runInDependencyOrder(
    plan,
    (p) => p.name,
    (p) => p.dependencies,
    options.jobs,
    async (pkg) => {
      if (pkg.dependencies.some((d) => notBuilt.has(d))) {
        notBuilt.add(pkg.name);
        return;
      }
      const result = await runScript(pkg.build ?? "", pkg.dir, options.root);
      if (result.code === 0) {
        options.onBuilt?.(pkg);
        return;
      }
      notBuilt.add(pkg.name);
      failures.push({ pkg, ...result });
    },
  );
  if (!failures.length) return;
  const skipped = notBuilt.size - failures.length;
  const lines = failures.map(({ pkg, code, output }) => {
    const shown = output
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, SHOWN_LINES);
    return `${pkg.name} (${path.relative(options.root, pkg.dir) || "."}): exit ${code ?? "by signal"}${shown.length ? `: ${shown.join(" | ")}` : ""}`;
  });
  throw new FindingsError(
    `${failures.length} stub package${failures.length === 1 ? "" : "s"} failed to build${skipped ? ` (${skipped} that depend on them not started)` : ""}:\n  ${lines.join("\n  ")}`,
  );
}

/** Runs `script` through the shell in `dir`, as npm runs a package script; its exit code and output (stdout and stderr together, the end kept). */
function runScript(script: string, dir: string, root: string): Promise<{ code: number | null; output: string }> {
  const bins: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    bins.push(path.join(d, "node_modules", ".bin"));
    if (d === root || path.dirname(d) === d) break;
  }
  const env = { ...process.env, PATH: [...bins, process.env.PATH ?? ""].join(path.delimiter) };
  return new Promise((resolve, reject) => {
    const child = spawn(script, { cwd: dir, env, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    const forget = onInterrupt(() => child.kill());
    let output = "";
    const keep = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.length > 2 * KEPT_OUTPUT) output = output.slice(-KEPT_OUTPUT);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new EnvironmentError(`cannot run the build of ${dir}: ${error.message}`)));
    child.on("close", (code) => {
      forget();
      resolve({ code, output: output.slice(-KEPT_OUTPUT) });
    });
  });
}

/**
 * Refuses, before anything runs, a plan whose packages cannot find the stub packages they import:
 * each dependency must resolve from the package folder (node_modules up to the root) to the
 * dependency's own folder, as npm workspaces and pnpm's workspace links make it. Otherwise tsc
 * would fail on the import (or build against a copy from the registry).
 */
export function checkLinks(plan: readonly StubPackageOnDisk[], root: string, outDir: string): void {
  const byName = new Map(plan.map((p) => [p.name, p]));
  for (const pkg of plan) {
    for (const dep of pkg.dependencies) {
      const target = byName.get(dep);
      if (!target) continue;
      const found = findModule(dep, pkg.dir, root);
      if (found && realpathSync(found) === realpathSync(target.dir)) continue;
      const rel = path.relative(root, outDir) || ".";
      throw new EnvironmentError(
        found
          ? `${pkg.name} imports ${dep} from ${path.relative(root, found)}, not from ${path.relative(root, target.dir)}: the stub packages are not linked as a workspace`
          : `${pkg.name} imports ${dep}, which is not installed: the stub packages are not linked as a workspace`,
        `npm: list "${rel}/*" in the root package.json "workspaces" and run npm install; pnpm: list it under "packages" in pnpm-workspace.yaml, set linkWorkspacePackages: true, and run pnpm install`,
      );
    }
  }
}

/** The folder `node_modules/<name>` that Node's resolution finds first from `dir`, looking up to `root`. */
function findModule(name: string, dir: string, root: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, "node_modules", ...name.split("/"));
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (d === root || path.dirname(d) === d) return undefined;
  }
}
