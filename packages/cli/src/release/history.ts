import semver from "semver";
import type { GitReader } from "../git/git.js";
import { tagRefs } from "../git/tags.js";
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

/**
 * Lists every release tag in the repository, grouped by package, newest version first, with the
 * changelog read back from each tag's annotation (lightweight tags have none). This is the
 * `versions` input of the docs site. Annotations are untrusted text: they are read as whole git
 * objects (length-prefixed, `cat-file --batch`), never split on a separator, and only refs whose
 * name parses as a release tag of `tagFormat` count.
 */
export async function releaseHistory(repo: GitReader, tagFormat: string): Promise<PackageHistory[]> {
  const tags = (await tagRefs(repo))
    .map((t) => ({ parsed: parseTag(tagFormat, t.tag), annotated: t.annotated, object: t.object, date: t.date }))
    .filter((t) => t.parsed !== undefined);
  const bodies = await repo.readObjects(tags.filter((t) => t.annotated).map((t) => t.object));
  const byName = new Map<string, ReleasedVersion[]>();
  for (const t of tags) {
    const { name, version } = t.parsed!;
    const body = t.annotated ? bodies.get(t.object) : undefined;
    const list = byName.get(name) ?? [];
    list.push({ version, ...(t.date ? { date: t.date } : {}), changelog: body ? parseTagMessage(tagObjectMessage(body)) : [] });
    byName.set(name, list);
  }
  return [...byName.keys()]
    .sort()
    .map((name) => ({ package: name, versions: byName.get(name)!.sort((a, b) => semver.rcompare(a.version, b.version)) }));
}

/** The message of a tag object: what follows the headers, without a trailing PGP/SSH signature. */
function tagObjectMessage(body: Buffer): string {
  const text = body.toString("utf8");
  const start = text.indexOf("\n\n");
  const message = start < 0 ? "" : text.slice(start + 2);
  const signature = message.search(/^-----BEGIN (PGP|SSH) SIGNATURE-----$/m);
  return signature < 0 ? message : message.slice(0, signature);
}
