import semver from "semver";

/**
 * Release tag names from `release.tagFormat` (`{name}@{version}` by default): formatting, parsing
 * back, and the check protoship.yaml's validation runs so a format that cannot be read back is
 * refused before any tag is made.
 */

const NAME = "{name}";
const VERSION = "{version}";
/** A release version: x.y.z only (pre-releases and build metadata are not releases protoship cuts). */
const VERSION_SOURCE = "(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)";

/** Formats a tag name: the placeholders are replaced literally (`$&` or `` $` `` in a name stay as they are). */
export function formatTag(format: string, name: string, version: string): string {
  return format
    .split(/(\{name\}|\{version\})/)
    .map((part) => (part === NAME ? name : part === VERSION ? version : part))
    .join("");
}

/** Parses a tag name back into its package name and version, or undefined when it is not a release tag. */
export function parseTag(format: string, tag: string): { name: string; version: string } | undefined {
  const m = formatRegExp(format).exec(tag);
  if (!m?.groups) return undefined;
  const version = m.groups.version!;
  return semver.valid(version) === version ? { name: m.groups.name!, version } : undefined;
}

/** Names and versions a format must round-trip: dashes, scopes, digits, dots, `@` and `$` patterns. */
const SAMPLE_NAMES = ["pkg", "@scope/pkg", "@mesh/probe-v1", "order-api-v1", "1pkg", "pkg1", "pkg-1.2.3", "@a-b/c-d-e", "a.b", "x$&y$`z"];
const SAMPLE_VERSIONS = ["0.1.0", "1.0.0", "1.2.3", "10.20.30", "2.0.11"];

/**
 * Why `format` cannot be a tag format, or undefined when it can: it must hold each placeholder
 * exactly once, make names git accepts, and parse back to the same name and version for a range
 * of npm names (with `-`, `@`, `/`, digits) and versions.
 */
export function tagFormatProblem(format: string): string | undefined {
  const count = (p: string): number => format.split(p).length - 1;
  const quoted = JSON.stringify(format);
  if (count(NAME) !== 1 || count(VERSION) !== 1) return `must contain {name} and {version} exactly once each, got ${quoted}`;
  const sample = formatTag(format, "@scope/pkg", "1.0.0");
  if (!isGitTagName(sample)) return `${quoted} makes tags such as ${JSON.stringify(sample)}, which is not a valid git tag name`;
  for (const name of SAMPLE_NAMES) {
    for (const version of SAMPLE_VERSIONS) {
      const tag = formatTag(format, name, version);
      const back = parseTag(format, tag);
      if (back?.name !== name || back.version !== version) {
        const got = back ? `${back.name} ${back.version}` : "no release";
        const fix = 'put a separator such as "@" or "-" between the placeholders';
        return `${quoted} cannot be read back: ${JSON.stringify(tag)} (${name} ${version}) parses as ${got}; ${fix}`;
      }
    }
  }
  return undefined;
}

/** git check-ref-format's rules for the part after refs/tags/. */
function isGitTagName(tag: string): boolean {
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\.lock(\/|$)|\/\.|^\.|^\/|\/$|\.$/.test(tag)) return false;
  return tag !== "@";
}

const regexCache = new Map<string, RegExp>();
function formatRegExp(format: string): RegExp {
  let re = regexCache.get(format);
  if (re) return re;
  const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // The version is exactly x.y.z, so `@scope/pkg@1.2.3` and `v1.2.3-name-with-dashes` split where the version is.
  const source = format
    .split(/(\{name\}|\{version\})/)
    .map((part) => (part === NAME ? "(?<name>.+)" : part === VERSION ? `(?<version>${VERSION_SOURCE})` : escapeRegExp(part)))
    .join("");
  re = new RegExp(`^${source}$`, "s");
  regexCache.set(format, re);
  return re;
}
