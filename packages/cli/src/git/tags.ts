import { EnvironmentError, ExitCode, ProtoshipError } from "../errors.js";
import type { GitReader, GitWriter } from "./git.js";
import { GitCommandError } from "./run-git.js";

/**
 * Git's tags, and the git operations of `release tag`. Every call passes an argument array and
 * ends options before names; nothing here moves or deletes a tag except {@link deleteLocalTag},
 * used only to undo tags the same run created. Reading takes a GitReader, changing a GitWriter.
 */

/** One tag ref: its name (without refs/tags/), the object it names, and the commit behind it. */
export interface TagRef {
  tag: string;
  /** Whether it is an annotated tag (a tag object). */
  annotated: boolean;
  /** The object the ref names: the tag object of an annotated tag, else the commit. */
  object: string;
  /** The commit it points at (peeled). */
  commit: string;
  /** The tagger's date of an annotated tag, the committer's of a lightweight one (ISO 8601). */
  date: string;
}

/**
 * Every tag ref, optionally only those reachable from a commit (`--merged`), in one
 * `git for-each-ref`, whatever the number of tags. A ref name holds no newline or NUL, and
 * neither do the other fields.
 */
export async function tagRefs(repo: GitReader, options: { mergedInto?: string } = {}): Promise<TagRef[]> {
  const out = await repo.query([
    "for-each-ref",
    "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)",
    ...(options.mergedInto ? [`--merged=${options.mergedInto}`] : []),
    "refs/tags/",
  ]);
  const refs: TagRef[] = [];
  for (const line of out.split("\n")) {
    const fields = line.split("\0");
    if (fields.length !== 5) continue;
    const [tag, type, object, peeled, date] = fields as [string, string, string, string, string];
    refs.push({ tag, annotated: type === "tag", object, commit: peeled || object, date });
  }
  return refs;
}

/** Whether the working tree or index has changes (untracked, not ignored, files count). */
export async function dirtyPaths(repo: GitReader): Promise<string[]> {
  const out = await repo.query(["status", "--porcelain", "-z", "--untracked-files=normal"]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((l) => l.slice(3));
}

/** Whether a remote is configured. */
export async function hasRemote(repo: GitReader, remote: string): Promise<boolean> {
  return (await repo.remoteNames()).includes(remote);
}

/** A ref a remote advertises: the object it names (a tag object for an annotated tag) and the commit behind it. */
export interface RemoteRef {
  object: string;
  commit: string;
}

/**
 * The refs a remote advertises under `patterns`, name → object and commit (annotated tags
 * peeled). Reads the remote without touching any local ref, so two runs in one clone do not fight
 * over ref locks.
 */
export async function remoteRefs(repo: GitReader, remote: string, patterns: readonly string[]): Promise<Map<string, RemoteRef>> {
  let out: string;
  try {
    out = await repo.query(["ls-remote", "--end-of-options", remote, ...patterns]);
  } catch (error) {
    // Unreachable, refused or unknown to git: the user's environment, said in git's own words (exit 2).
    const hint = `check the remote's URL, the network and the credentials: git ls-remote ${remote}`;
    throw new EnvironmentError(`cannot read the remote "${remote}": ${(error as Error).message}`, hint, error);
  }
  const refs = new Map<string, RemoteRef>();
  for (const line of out.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (!sha || !ref) continue;
    if (ref.endsWith("^{}")) {
      const name = ref.slice(0, -3);
      refs.set(name, { object: refs.get(name)?.object ?? sha, commit: sha });
    } else if (!refs.has(ref)) {
      refs.set(ref, { object: sha, commit: sha });
    }
  }
  return refs;
}

/** The object a local tag names (the tag object itself for an annotated tag), or undefined. */
export async function localTagObject(repo: GitReader, tag: string): Promise<string | undefined> {
  try {
    return (await repo.query(["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/tags/${tag}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commit a local tag points at, or undefined. */
export async function localTagCommit(repo: GitReader, tag: string): Promise<string | undefined> {
  return repo.resolveCommit(`refs/tags/${tag}`);
}

/** Whether `ancestor` is an ancestor of (or equal to) `descendant`. */
export async function isAncestor(repo: GitReader, ancestor: string, descendant: string): Promise<boolean> {
  // Not `merge-base --is-ancestor`: it answers "no" with a silent exit 1, not an answer on stdout.
  return (await repo.mergeBase(ancestor, descendant)) === ancestor;
}

/**
 * Creates an annotated tag. Git takes the ref's lock and refuses an existing name, so two runs
 * racing in one clone create it once: the loser gets `false`.
 */
export async function createAnnotatedTag(repo: GitWriter, tag: string, commit: string, message: string): Promise<boolean> {
  try {
    await repo.change(["tag", "-a", "--no-sign", "--cleanup=verbatim", "-m", message, "--end-of-options", tag, commit]);
    return true;
  } catch (error) {
    if (error instanceof GitCommandError && /already exists|cannot lock ref|unable to create/i.test(error.message)) return false;
    const reason =
      (error instanceof Error ? error.message : String(error))
        .split("\n")
        .map((l) => l.trim())
        .find((l) => /^(fatal|error):/.test(l)) ?? String(error);
    throw new ProtoshipError(`git tag ${tag} failed: ${reason}`, {
      exitCode: ExitCode.Usage,
      ...(/tell me who you are|identity|auto-detect|email address|no email/i.test(reason)
        ? { hint: "set user.name and user.email (or GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL) for the tagger" }
        : {}),
    });
  }
}

/** Deletes a local tag this run created (never a remote one). */
export async function deleteLocalTag(repo: GitWriter, tag: string): Promise<void> {
  await repo.change(["tag", "-d", "--end-of-options", tag]);
}

/** Pushes tags in one atomic push: all land or none. Returns git's error text on failure. */
export async function pushTagsAtomically(repo: GitWriter, remote: string, tags: readonly string[]): Promise<string | undefined> {
  try {
    await repo.change(["push", "--atomic", "--porcelain", "--end-of-options", remote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Copies tags from the remote into the local repository (they are already released there). */
export async function fetchTags(repo: GitWriter, remote: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  try {
    await repo.change(["fetch", "--quiet", "--no-tags", "--end-of-options", remote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
  } catch {
    // Best effort: the tags are on the remote, which is what counts.
  }
}
