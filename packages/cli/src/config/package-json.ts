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
