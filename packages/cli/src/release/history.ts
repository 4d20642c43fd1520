import semver from "semver";
import type { GitRepo } from "../git/git.js";
import { parseTagMessage } from "./changelog.js";
import { readObjects } from "../workspace/git-objects.js";
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
export async function releaseHistory(repo: GitRepo, tagFormat: string): Promise<PackageHistory[]> {
  // One line per ref: a ref name holds no newline or NUL, and neither do the other fields.
  const format = "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(creatordate:iso-strict)";
  const out = await repo.query(["for-each-ref", format, "refs/tags/"]);
  const tags = out
    .split("\n")
    .map((line) => line.split("\0"))
    .filter((fields) => fields.length === 4)
    .map(([tag, type, object, date]) => ({ parsed: parseTag(tagFormat, tag!), annotated: type === "tag", object: object!, date: date! }))
    .filter((t) => t.parsed !== undefined);
  const bodies = await readObjects(
    repo,
    tags.filter((t) => t.annotated).map((t) => t.object),
  );
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
