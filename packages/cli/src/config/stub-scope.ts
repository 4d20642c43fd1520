import { ConfigError } from "../errors.js";
import { parsePackageJson, scopeOfPackage } from "./package-json.js";

/**
 * Where a project's stub scope comes from: `stubs.scope` when protoship.yaml sets it, else the
 * scope of the root package.json's name (`@acme/api` → `@acme`), the one `protoship init` writes.
 * `packageJson` gives that file's text (undefined when there is none) and is only called without
 * `stubs.scope`, so a command that never names an npm package never reads it.
 */
export async function resolveStubScope(
  configured: string | undefined,
  packageJson: () => Promise<string | undefined>,
  label = "package.json",
): Promise<string | undefined> {
  if (configured) return configured;
  const text = await packageJson();
  return text === undefined ? undefined : scopeOfPackage(parsePackageJson(text, label));
}

/** The error of a command that needs an npm scope and has none (no stubs.scope, no scoped package.json name). */
export function scopeNotSetError(): ConfigError {
  return new ConfigError(
    "stubs.scope is not set: add it to protoship.yaml (or run protoship init)",
    'add `stubs: { scope: "@your-scope" }` to protoship.yaml, or give the root package.json a scoped name such as @acme/apis',
  );
}
