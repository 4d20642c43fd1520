import semver from "semver";
import { parseTag } from "../config/tag-format.js";
import type { GitReader } from "../git/git.js";
import { tagRefs } from "../git/tags.js";

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
export async function listReleaseTags(repo: GitReader, format: string, options: { mergedInto?: string } = {}): Promise<ReleaseTag[]> {
  const tags: ReleaseTag[] = [];
  for (const ref of await tagRefs(repo, options)) {
    const parsed = parseTag(format, ref.tag);
    if (!parsed) continue;
    tags.push({ tag: ref.tag, ...parsed, commit: ref.commit, annotated: ref.annotated });
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
