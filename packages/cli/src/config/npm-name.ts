import validateNpmPackageName from "validate-npm-package-name";

/**
 * Why `name` cannot be a new npm package's name (validate-npm-package-name's first error or
 * warning), or undefined when it can. Valid names are also safe folder names and shell words:
 * lower-case URL-friendly characters, not starting with `.` or `_`.
 */
export function npmNameProblem(name: string): string | undefined {
  const result = validateNpmPackageName(name);
  if (result.validForNewPackages) return undefined;
  return `is not a valid npm package name: ${[...(result.errors ?? []), ...(result.warnings ?? [])][0] ?? "rejected by npm"}`;
}

/** An npm scope as protoship accepts it (stubs.scope, `init --scope`, a package.json name's scope): `@` and lower-case URL-safe characters. */
export const NPM_SCOPE = /^@[a-z0-9][a-z0-9._~-]*$/;

/** Whether `scope` is an npm scope protoship can name stub packages in (see {@link NPM_SCOPE}). */
export function isNpmScope(scope: string): boolean {
  return NPM_SCOPE.test(scope);
}
