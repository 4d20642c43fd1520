import semver from "semver";

/** How much a change set moves a version. */
export type Bump = "major" | "minor" | "patch" | "none";

/** The most severe kind of change found in a unit, before version rules apply. */
export type Severity = "breaking" | "minor" | "patch" | "none";

const UNSTABLE_VERSION = /^v\d+(?:p\d+)?(?:(?:alpha|beta)\d*|test.*)$/;

/**
 * Whether a proto package is unstable by buf's definition: its last component is a version with
 * an alpha, beta or test suffix (`v1alpha1`, `v1beta2`, `v1test`, `v1p1beta1`…). Unstable
 * packages start at 0.1.0 instead of 1.0.0.
 */
export function isUnstablePackage(protoPackage: string): boolean {
  const last = protoPackage.split(".").pop() ?? "";
  return UNSTABLE_VERSION.test(last);
}

/**
 * The release rules: the first release is 1.0.0 (0.1.0 for unstable packages); from 1.x on,
 * breaking → major, additive → minor, documentation → patch; while at 0.x, breaking → minor and
 * everything else → patch (0.x promises nothing, so a breaking change must not read as 1.0).
 */
export function nextVersion(current: string | null, severity: Severity, unstable: boolean): { bump: Bump; next: string | null } {
  if (current === null) return unstable ? { bump: "minor", next: "0.1.0" } : { bump: "major", next: "1.0.0" };
  if (severity === "none") return { bump: "none", next: null };
  const zero = semver.major(current) === 0;
  const bump: Exclude<Bump, "none"> = zero
    ? severity === "breaking"
      ? "minor"
      : "patch"
    : severity === "breaking"
      ? "major"
      : severity === "minor"
        ? "minor"
        : "patch";
  return { bump, next: semver.inc(current, bump)! };
}

/** Whether a dependent's `^current` range still accepts `next` (caret semantics). */
export function caretCompatible(current: string, next: string): boolean {
  return semver.satisfies(next, `^${current}`);
}
