import { GitError } from "simple-git";
import { EnvironmentError, ExitCode, ProtoshipError } from "../errors.js";
import type { GitRepo } from "../git/git.js";

/**
 * Git operations of `release tag`. Every call passes an argument array and ends options before
 * names; nothing here moves or deletes a tag except {@link deleteLocalTag}, used only to undo
 * tags the same run created.
 */

/** Whether the working tree or index has changes (untracked, not ignored, files count). */
export async function dirtyPaths(repo: GitRepo): Promise<string[]> {
  const out = await repo.raw(["status", "--porcelain", "-z", "--untracked-files=normal"]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((l) => l.slice(3));
}

/** Whether a remote is configured. */
export async function hasRemote(repo: GitRepo, remote: string): Promise<boolean> {
  const out = await repo.raw(["remote"]);
  return out.split("\n").some((r) => r.trim() === remote);
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
export async function remoteRefs(repo: GitRepo, remote: string, patterns: readonly string[]): Promise<Map<string, RemoteRef>> {
  let out: string;
  try {
    out = await repo.raw(["ls-remote", "--end-of-options", remote, ...patterns]);
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
export async function localTagObject(repo: GitRepo, tag: string): Promise<string | undefined> {
  try {
    return (await repo.query(["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/tags/${tag}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commit a local tag points at, or undefined. */
export async function localTagCommit(repo: GitRepo, tag: string): Promise<string | undefined> {
  return repo.resolveCommit(`refs/tags/${tag}`);
}

/** Whether `ancestor` is an ancestor of (or equal to) `descendant`. */
export async function isAncestor(repo: GitRepo, ancestor: string, descendant: string): Promise<boolean> {
  // Not `merge-base --is-ancestor`: it answers with a silent exit 1, which simple-git does not
  // report as an error.
  return (await repo.mergeBase(ancestor, descendant)) === ancestor;
}

/**
 * Creates an annotated tag. Git takes the ref's lock and refuses an existing name, so two runs
 * racing in one clone create it once: the loser gets `false`.
 */
export async function createAnnotatedTag(repo: GitRepo, tag: string, commit: string, message: string): Promise<boolean> {
  try {
    await repo.raw(["tag", "-a", "--no-sign", "--cleanup=verbatim", "-m", message, "--end-of-options", tag, commit]);
    return true;
  } catch (error) {
    if (error instanceof GitError && /already exists|cannot lock ref|unable to create/i.test(error.message)) return false;
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
export async function deleteLocalTag(repo: GitRepo, tag: string): Promise<void> {
  await repo.raw(["tag", "-d", "--end-of-options", tag]);
}

/** Pushes tags in one atomic push: all land or none. Returns git's error text on failure. */
export async function pushTagsAtomically(repo: GitRepo, remote: string, tags: readonly string[]): Promise<string | undefined> {
  try {
    await repo.raw(["push", "--atomic", "--porcelain", "--end-of-options", remote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Copies tags from the remote into the local repository (they are already released there). */
export async function fetchTags(repo: GitRepo, remote: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  try {
    await repo.raw(["fetch", "--quiet", "--no-tags", "--end-of-options", remote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
  } catch {
    // Best effort: the tags are on the remote, which is what counts.
  }
}
