import { parseDocument } from "yaml";
import type { PackageJson } from "../config/package-json.js";

/** The `prepare` script step that keeps a plain git hook installed on every `npm install`. */
export const PREPARE_HOOKS = "protoship init --hooks";

/** What {@link mergePackageJson} adds. */
export interface PackageJsonAdditions {
  devDependencies: Record<string, string>;
  /** Add `protoship init --hooks` to the `prepare` script (a plain git hook). */
  prepareHook: boolean;
  /** A workspaces glob for the stub packages (npm), added when the field is absent or lacks it. */
  workspace: string | undefined;
}

/**
 * package.json with what is missing added: protoship and the stub toolchain as devDependencies
 * (versions the user already chose stay), for a plain git hook `protoship init --hooks` in the
 * `prepare` script (after what is already there), and the stub packages as npm workspaces, so they
 * build against the root's one TypeScript.
 */
export function mergePackageJson(current: string | undefined, fallbackName: string, add: PackageJsonAdditions): string {
  const { devDependencies, prepareHook, workspace } = add;
  const pkg: PackageJson = current === undefined ? { name: fallbackName, private: true } : (JSON.parse(current) as PackageJson);
  const dev = { ...pkg.devDependencies };
  const inDeps = { ...pkg.dependencies };
  for (const [name, range] of Object.entries(devDependencies)) if (!(name in dev) && !(name in inDeps)) dev[name] = range;
  pkg.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (prepareHook) {
    const prepare = pkg.scripts?.prepare;
    if (!prepare?.includes(PREPARE_HOOKS))
      pkg.scripts = { ...pkg.scripts, prepare: prepare ? `${prepare} && ${PREPARE_HOOKS}` : PREPARE_HOOKS };
  }
  if (workspace) {
    const ws = pkg.workspaces;
    if (ws === undefined) pkg.workspaces = [workspace];
    else if (Array.isArray(ws) && !ws.includes(workspace)) pkg.workspaces = [...(ws as string[]), workspace];
    else if (isPackagesObject(ws) && !ws.packages.includes(workspace)) pkg.workspaces = { ...ws, packages: [...ws.packages, workspace] };
  }
  const indent = /^\{\n( +|\t)"/.exec(current ?? "")?.[1] ?? "  ";
  return `${JSON.stringify(pkg, null, indent)}\n`;
}

function isPackagesObject(value: unknown): value is { packages: string[] } {
  return typeof value === "object" && value !== null && Array.isArray((value as { packages?: unknown }).packages);
}

/** .gitignore with the given lines appended (under one comment) when they are not there yet. */
export function mergeGitignore(current: string | undefined, lines: readonly string[]): string {
  const text = current ?? "";
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const missing = lines.filter((l) => !present.has(l));
  if (missing.length === 0) return text;
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  return `${text}${sep}${text === "" ? "" : "\n"}# protoship: caches and build outputs (protoship init)\n${missing.join("\n")}\n`;
}

/**
 * lefthook.yml with a `pre-push` command running protoship with git's arguments and stdin (the
 * pushed refs), unless a command named `protoship` is already there; comments are kept.
 */
export function mergeLefthook(current: string | undefined, run: string): string {
  const doc = parseDocument(current ?? "");
  if (doc.hasIn(["pre-push", "commands", "protoship"])) return current ?? "";
  doc.setIn(["pre-push", "commands", "protoship"], doc.createNode({ run, use_stdin: true }));
  return doc.toString();
}

/**
 * pnpm-workspace.yaml with `allowBuilds: { <name>: false }` for each named dependency that has no
 * entry yet: pnpm 11+ fails an install that skips a build script it was not told about, and these
 * scripts are not needed (an explicit `true` the user wrote stays). Comments are kept.
 */
export function mergePnpmWorkspace(current: string | undefined, deniedBuilds: readonly string[]): string {
  const doc = parseDocument(current ?? "");
  const missing = deniedBuilds.filter((name) => !doc.hasIn(["allowBuilds", name]));
  if (missing.length === 0) return current ?? "";
  for (const name of missing) doc.setIn(["allowBuilds", name], false);
  return doc.toString();
}
