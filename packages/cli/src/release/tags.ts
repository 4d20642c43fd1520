import semver from "semver";
import { parseTag } from "../config/tag-format.js";
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

export { formatTag, parseTag } from "../config/tag-format.js";

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
