import semver from "semver";
import type { GitRepo } from "../git/git.js";
import { parseTagMessage } from "./changelog.js";
import { parseTag } from "./tags.js";

/** One released version, as the docs site's `versions` option takes it. */
export interface ReleasedVersion {
  version: string;
  /** The tag's date (ISO 8601). */
  date?: string;
  changelog: string[];
}

/** Every released version of one package, newest first. */
export interface PackageHistory {
  package: string;
  versions: ReleasedVersion[];
}

const FIELD = "%00";
const RECORD = "%1e";

/**
 * Lists every release tag in the repository, grouped by package, newest version first, with the
 * changelog read back from each tag's annotation (lightweight tags have none). This is the
 * `versions` input of the docs site. One for-each-ref call reads every tag.
 */
export async function releaseHistory(repo: GitRepo, tagFormat: string): Promise<PackageHistory[]> {
  const out = await repo.raw([
    "for-each-ref",
    `--format=%(refname:strip=2)${FIELD}%(objecttype)${FIELD}%(creatordate:iso-strict)${FIELD}%(contents)${RECORD}`,
    "refs/tags/",
  ]);
  const byName = new Map<string, ReleasedVersion[]>();
  for (const record of out.split("\x1e")) {
    const [rawTag, type, date, contents] = record.replace(/^\n/, "").split("\0");
    if (!rawTag) continue;
    const parsed = parseTag(tagFormat, rawTag);
    if (!parsed) continue;
    const list = byName.get(parsed.name) ?? [];
    list.push({ version: parsed.version, ...(date ? { date } : {}), changelog: type === "tag" ? parseTagMessage(contents ?? "") : [] });
    byName.set(parsed.name, list);
  }
  return [...byName.keys()].sort().map((name) => ({ package: name, versions: byName.get(name)!.sort((a, b) => semver.rcompare(a.version, b.version)) }));
}
