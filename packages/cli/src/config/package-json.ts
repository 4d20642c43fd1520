import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors.js";
import { isNpmScope } from "./npm-name.js";

/** The parts of a package.json protoship reads (init also edits the rest). */
export interface PackageJson {
  name?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: unknown;
  [key: string]: unknown;
}

/** Reads and parses `file`; undefined when there is none. Text that is not JSON is a configuration error naming `label`. */
export async function readPackageJson(file: string, label = file): Promise<PackageJson | undefined> {
  const text = await readPackageJsonText(file);
  return text === undefined ? undefined : parsePackageJson(text, label);
}

/** The text of `file`, undefined when it cannot be read (there is no package.json). */
export async function readPackageJsonText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Parses package.json text; `label` names the file in the error when it is not JSON. */
export function parsePackageJson(text: string, label: string): PackageJson {
  try {
    return JSON.parse(text) as PackageJson;
  } catch (error) {
    throw new ConfigError(`${label}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * The npm scope of a package's name (`@acme/api` → `@acme`); undefined when the name is missing,
 * unscoped, or its scope is not one a stub package can use (see isNpmScope).
 */
export function scopeOfPackage(pkg: PackageJson | undefined): string | undefined {
  const scope = typeof pkg?.name === "string" ? /^(@[^/]+)\//.exec(pkg.name)?.[1] : undefined;
  return scope && isNpmScope(scope) ? scope : undefined;
}

/**
 * `pkg` when it has the shape init reads and edits: a JSON object whose `name` and
 * `packageManager` are strings, whose `scripts`, `dependencies` and `devDependencies` are objects of
 * strings, and whose `workspaces` is a list of strings or `{ packages: [...] }`. Otherwise a
 * ConfigError naming package.json, the key, what was expected and what was found.
 */
export function checkPackageJsonShape(pkg: unknown, label = "package.json"): PackageJson {
  const fail = (key: string, expected: string, found: unknown): never => {
    throw new ConfigError(`${label}: ${key}: expected ${expected}, found ${describeJson(found)}`);
  };
  if (!isObject(pkg)) return fail("(top level)", "a JSON object", pkg);
  for (const key of ["name", "packageManager"]) if (key in pkg && typeof pkg[key] !== "string") fail(key, "a string", pkg[key]);
  for (const key of ["scripts", "dependencies", "devDependencies"]) {
    if (!(key in pkg)) continue;
    const value = pkg[key];
    if (!isObject(value)) fail(key, "an object of strings", value);
    for (const [name, item] of Object.entries(value as Record<string, unknown>))
      if (typeof item !== "string") fail(`${key}.${name}`, "a string", item);
  }
  if ("workspaces" in pkg) {
    const ws = pkg.workspaces;
    const list = Array.isArray(ws) ? ws : isObject(ws) && Array.isArray(ws.packages) ? ws.packages : undefined;
    const where = Array.isArray(ws) ? "workspaces" : "workspaces.packages";
    if (!list) fail("workspaces", "a list of folder globs (or { packages: [...] })", ws);
    for (const item of list!) if (typeof item !== "string") fail(where, "a list of strings", item);
  }
  return pkg as PackageJson;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
