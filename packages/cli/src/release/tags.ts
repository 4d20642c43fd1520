import semver from "semver";
import { ConfigError } from "../errors.js";
import type { GitRepo } from "../git/git.js";

/** A release tag: `<npm name>@<version>` by default. */
export interface ReleaseTag {
  /** Tag name without refs/tags/. */
  tag: string;
  /** npm package name. */
  name: string;
  version: string;
  /** The commit the tag points at. */
  commit: string;
  /** Whether it is an annotated tag (protoship only creates those). */
  annotated: boolean;
}

/** Formats a tag name from the configured template. */
export function formatTag(format: string, name: string, version: string): string {
  assertFormat(format);
  return format.replace("{name}", name).replace("{version}", version);
}

/**
 * Parses a tag name against the template: the package name and a valid semver version (no
 * pre-releases: those are not releases protoship cut), or undefined.
 */
export function parseTag(format: string, tag: string): { name: string; version: string } | undefined {
  const re = formatRegExp(format);
  const m = re.exec(tag);
  if (!m?.groups) return undefined;
  const version = semver.valid(m.groups.version ?? "");
  if (!version || semver.prerelease(version) || version !== m.groups.version) return undefined;
  return { name: m.groups.name!, version };
}

const regexCache = new Map<string, RegExp>();
function formatRegExp(format: string): RegExp {
  let re = regexCache.get(format);
  if (re) return re;
  assertFormat(format);
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // The name is greedy and a version has no '@' or '/', so `@scope/pkg@1.2.3` splits at the last '@'.
  const source = format
    .split(/(\{name\}|\{version\})/)
    .map((part) => (part === "{name}" ? "(?<name>.+)" : part === "{version}" ? "(?<version>[0-9A-Za-z.+-]+)" : escape(part)))
    .join("");
  re = new RegExp(`^${source}$`);
  regexCache.set(format, re);
  return re;
}

function assertFormat(format: string): void {
  const count = (p: string): number => format.split(p).length - 1;
  if (count("{name}") !== 1 || count("{version}") !== 1) {
    throw new ConfigError(`protoship.yaml: release.tagFormat: expected exactly one {name} and one {version}, got ${JSON.stringify(format)}`);
  }
}

/**
 * Lists release tags, optionally only those reachable from a commit (`git tag --merged`), with
 * the commit each points at. One for-each-ref call, whatever the number of tags.
 */
export async function listReleaseTags(repo: GitRepo, format: string, options: { mergedInto?: string } = {}): Promise<ReleaseTag[]> {
  const out = await repo.raw([
    "for-each-ref",
    "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objectname)",
    ...(options.mergedInto ? [`--merged=${options.mergedInto}`] : []),
    "refs/tags/",
  ]);
  const tags: ReleaseTag[] = [];
  for (const line of out.split("\n")) {
    if (!line) continue;
    const [tag, type, object, peeled] = line.split("\0") as [string, string, string, string];
    const parsed = parseTag(format, tag);
    if (!parsed) continue;
    tags.push({ tag, ...parsed, commit: peeled || object, annotated: type === "tag" });
  }
  return tags;
}

/** The highest version per package name among `tags`. */
export function latestByName(tags: readonly ReleaseTag[]): Map<string, ReleaseTag> {
  const latest = new Map<string, ReleaseTag>();
  for (const t of tags) {
    const current = latest.get(t.name);
    if (!current || semver.gt(t.version, current.version)) latest.set(t.name, t);
  }
  return latest;
}
