import { checkPackageJsonShape, type PackageJson, parsePackageJson } from "../config/package-json.js";
import { isMap, isScalar, isSeq } from "yaml";
import { ConfigError } from "../errors.js";
import { YamlEdit } from "./yaml-edit.js";

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
 * build against the root's one TypeScript. A package.json whose shape init cannot edit (not an
 * object, `scripts` not an object of strings, `workspaces` neither a list nor `{ packages }`…) is
 * a ConfigError naming the key and what was expected.
 */
export function mergePackageJson(current: string | undefined, fallbackName: string, add: PackageJsonAdditions): string {
  const { devDependencies, prepareHook, workspace } = add;
  const pkg: PackageJson =
    current === undefined ? { name: fallbackName, private: true } : checkPackageJsonShape(parsePackageJson(current, "package.json"));
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
    const ws = pkg.workspaces as string[] | { packages: string[] } | undefined;
    if (ws === undefined) pkg.workspaces = [workspace];
    else if (Array.isArray(ws)) {
      if (!ws.includes(workspace)) pkg.workspaces = [...ws, workspace];
    } else if (!ws.packages.includes(workspace)) pkg.workspaces = { ...ws, packages: [...ws.packages, workspace] };
  }
  const indent = /^\{\r?\n( +|\t)"/.exec(current ?? "")?.[1] ?? "  ";
  const eol = current?.includes("\r\n") ? "\r\n" : "\n";
  return `${JSON.stringify(pkg, null, indent)}\n`.replace(/\n/g, eol);
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
export function mergeLefthook(file: string, current: string | undefined, run: string): string {
  const edit = new YamlEdit(file, current ?? "");
  const commands = edit.mapAt(["pre-push", "commands"]);
  if (commands.has("protoship")) return current ?? "";
  commands.set("protoship", edit.doc.createNode({ run, use_stdin: true }));
  return edit.toString();
}

/** What {@link mergePnpmWorkspace} adds. */
export interface PnpmWorkspaceAdditions {
  /** Dependencies whose build scripts pnpm may skip. */
  deniedBuilds: readonly string[];
  /** The stub packages' folder glob, e.g. `packages/stubs/*`. */
  stubs: string;
}

/**
 * pnpm-workspace.yaml with what is missing added: `allowBuilds: { <name>: false }` for each named
 * dependency that has no entry yet (pnpm 11+ fails an install that skips a build script it was not
 * told about, and these scripts are not needed; an explicit `true` the user wrote stays); the stub
 * packages under `packages:`; and `linkWorkspacePackages: true` unless set, so a stub's
 * dependency on another stub (`^0.0.0` before the first release) resolves to the workspace package
 * instead of the registry. Comments are kept.
 */
export function mergePnpmWorkspace(current: string | undefined, add: PnpmWorkspaceAdditions): string {
  const edit = new YamlEdit("pnpm-workspace.yaml", current ?? "");
  let changed = false;
  const builds = edit.mapAt(["allowBuilds"]);
  for (const name of add.deniedBuilds) {
    if (builds.has(name)) continue;
    builds.set(name, false);
    changed = true;
  }
  const packages = edit.stringListAt(["packages"]);
  if (!packages.items.some((item) => (item as { value?: unknown }).value === add.stubs)) {
    packages.add(edit.doc.createNode(add.stubs));
    changed = true;
  }
  const top = edit.mapAt([]);
  if (!top.has("linkWorkspacePackages")) {
    top.set("linkWorkspacePackages", true);
    changed = true;
  }
  return changed ? edit.toString() : (current ?? "");
}

/** What {@link mergeBufYaml} adds to a buf.yaml. */
export interface BufYamlAdditions {
  /** Lint rule → files that fail it today (the baseline), added under `lint.ignore_only`. */
  ignoreOnly: Readonly<Record<string, readonly string[]>>;
}

/**
 * The user's own buf.yaml with two edits, made as data (comments and layout kept): the module at
 * the buf.yaml's folder excludes `node_modules` (protoship's dependencies, @grpc/grpc-js among
 * them, ship .proto files there, which would join the module and break `buf build`), and the
 * lint baseline, if any, is added to `lint.ignore_only`. v2 (`modules`, or none: one module at
 * `.`) and v1 (`build.excludes`) files are edited; another version is left alone. Returns the
 * text and what changed, in words, for init's output.
 */
export function mergeBufYaml(file: string, current: string, add: BufYamlAdditions): { text: string; changes: string[] } {
  const edit = new YamlEdit(file, current);
  const version = edit.doc.get("version");
  const changes: string[] = [];
  if (version === "v2") {
    const modules = edit.doc.get("modules", true);
    if (modules === undefined || modules === null || (isScalar(modules) && modules.value === null)) {
      edit.doc.set("modules", edit.doc.createNode([{ path: ".", excludes: ["node_modules"] }]));
      changes.push("module . excludes node_modules");
    } else {
      if (!isSeq(modules)) throw new ConfigError(`${file}: modules: expected a list of modules`);
      modules.items.forEach((item, i) => {
        if (!isMap(item)) throw new ConfigError(`${file}: modules.${i}: expected a mapping with a path`);
        const p = item.get("path");
        if (p !== "." && p !== "./" && p !== "") return;
        const excludes = edit.stringListAt(["modules", String(i), "excludes"], item);
        if (excludes.items.some((e) => isScalar(e) && String(e.value).replace(/\/$/, "") === "node_modules")) return;
        excludes.add(edit.doc.createNode("node_modules"));
        changes.push("module . excludes node_modules");
      });
    }
  } else if (version === "v1") {
    const excludes = edit.stringListAt(["build", "excludes"]);
    if (!excludes.items.some((e) => isScalar(e) && String(e.value).replace(/\/$/, "") === "node_modules")) {
      excludes.add(edit.doc.createNode("node_modules"));
      changes.push("build.excludes has node_modules");
    }
  }
  const rules = Object.entries(add.ignoreOnly);
  if (rules.length > 0 && (version === "v1" || version === "v2")) {
    const ignoreOnly = edit.mapAt(["lint", "ignore_only"]);
    for (const [rule, files] of rules) {
      const list = edit.stringListAt(["lint", "ignore_only", rule], ignoreOnly);
      const present = new Set(list.items.map((e) => String((e as { value?: unknown }).value)));
      for (const f of files) if (!present.has(f)) list.add(edit.doc.createNode(f));
    }
    changes.push(`lint.ignore_only lists today's lint findings (${rules.length} rule${rules.length === 1 ? "" : "s"})`);
  }
  return { text: changes.length === 0 ? current : edit.toString(), changes };
}
