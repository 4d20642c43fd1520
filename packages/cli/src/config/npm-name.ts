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
