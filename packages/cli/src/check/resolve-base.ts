import { DEFAULTS } from "../config/defaults.js";
import { EnvironmentError, ProtoshipError } from "../errors.js";
import { EMPTY_TREE, ZERO_SHA, type GitReader, type GitWriter } from "../git/git.js";
import { fetchBranch, fetchCommit, headAndUpstream, refCommits, unpublishedCommits, unshallow } from "../git/remote.js";
import { redact } from "../process/redact.js";
import type { PushedRef } from "./pre-push-input.js";

/** The commit (or the empty tree, for a first commit) a change is compared against. */
export interface Base {
  sha: string;
  /** How the base was chosen, for the summary line. */
  label: string;
}

/** Where {@link resolveBase} looks for a base. */
export interface BaseOptions {
  against?: string;
  defaultBranch?: string;
  remote: string;
  /** false: the upstream is not asked (`check --fix` compares both candidates). */
  upstream?: boolean;
}

/**
 * The base of `protoship check` without --pre-push: `--against` when given; otherwise the
 * merge-base with the branch's upstream; otherwise with the default branch (a branch with no
 * upstream yet, a detached HEAD); otherwise, in a repository with no commit, the empty tree.
 * `started`: {@link headAndUpstream}, when the caller started it already (never with `against`);
 * `given` may still be read from protoship.yaml then.
 */
export async function resolveBase(
  repo: GitWriter,
  given: BaseOptions | Promise<BaseOptions>,
  started?: Promise<{ head: string; upstream?: string } | undefined>,
): Promise<Base> {
  // HEAD at its upstream (nothing committed since): the base needs no option, nor waits for them.
  const early = await started;
  if (early?.upstream && early.head === early.upstream) return { sha: early.head, label: "upstream" };
  // Without an upstream, the default branch's candidates as protoship.yaml's defaults name them,
  // and the merge-base with the first that exists, are asked at once, while it is read; they are
  // asked again below only if it names others.
  const guessed = early && !early.upstream ? GUESSED_REFS : [];
  const guess = early && guessed.length ? guessBase(repo, guessed, early.head) : undefined;
  guess?.catch(() => {}); // awaited below when the guess holds
  const options = await given;
  if (options.against) {
    const head = await repo.resolveCommit("HEAD");
    const sha = await resolveOrFetch(repo, options.against, options.remote);
    const mb = head ? await mergeBaseOrDeepen(repo, sha, head, options.remote) : sha;
    return { sha: mb, label: options.against };
  }
  // This runs on every check: HEAD and its upstream are asked in one git call (started by the
  // caller before protoship.yaml is read, which they do not depend on); only without an upstream
  // are HEAD and the default-branch candidates (one for-each-ref) asked, side by side.
  const tracked = options.upstream === false ? undefined : await (started ?? headAndUpstream(repo));
  if (tracked?.upstream) return { sha: await mergeBaseOrDeepen(repo, tracked.upstream, tracked.head, options.remote), label: "upstream" };
  const candidates = defaultBranchCandidates(options);
  const refs = candidates.map((c) => c.ref);
  const held = guess && refs.join("\0") === guessed.join("\0") ? await guess : undefined;
  const [head, known] = await Promise.all([tracked ? tracked.head : repo.resolveCommit("HEAD"), held?.known ?? refCommits(repo, refs)]);
  if (!head) return { sha: EMPTY_TREE, label: "(no commits yet)" };
  for (const candidate of candidates) {
    const sha = known.get(candidate.ref);
    if (sha) return { sha: held?.mergeBase ?? (await mergeBaseOrDeepen(repo, sha, head, options.remote)), label: candidate.name };
  }
  throw new ProtoshipError("cannot tell what to compare with: no upstream and no main or master branch", {
    hint: "pass --against <ref>, e.g. protoship check --against origin/main",
  });
}

/**
 * The base of `check --fix` without --against: old enough to cover every place a FORMAT finding
 * (whose hint is `protoship check --fix`) comes from — the working tree against its upstream (a
 * plain check), the commits the remote does not have yet (the pre-push hook), and the branch
 * against the default branch (a pull request's check, after the push). The oldest of those bases,
 * or the empty tree when the remote has none of this history (a first push): then every file is fixed.
 */
export async function resolveFixBase(repo: GitWriter, options: { defaultBranch?: string; remote: string }): Promise<Base> {
  const head = await repo.resolveCommit("HEAD");
  if (!head) return { sha: EMPTY_TREE, label: "(no commits yet)" };
  const bases: string[] = [];
  // Without the remote there is no push to check: only the other two bases count.
  const remotes = await repo.remoteNames();
  if (remotes.includes(options.remote)) {
    const pushed = { localRef: "HEAD", localSha: head, remoteRef: "HEAD", remoteSha: ZERO_SHA_TEXT };
    bases.push((await resolvePushBase(repo, pushed, options.remote)).sha);
  }
  for (const upstream of [true, false]) {
    const base = await resolveBase(repo, { ...options, upstream }).catch((error: unknown) => {
      // No upstream and no default branch: the commits not pushed yet are what is left to fix.
      if (error instanceof ProtoshipError && !(error instanceof EnvironmentError)) return undefined;
      throw error;
    });
    if (base) bases.push(base.sha);
  }
  if (!bases.length) return resolveBase(repo, options);
  let oldest = bases[0]!;
  for (const sha of bases.slice(1)) {
    if (oldest === EMPTY_TREE || sha === EMPTY_TREE) return { sha: EMPTY_TREE, label: "everything (not on the remote yet)" };
    oldest = (await repo.mergeBase(oldest, sha)) ?? EMPTY_TREE;
  }
  return oldest === EMPTY_TREE
    ? { sha: EMPTY_TREE, label: "everything (not on the remote yet)" }
    : { sha: oldest, label: `${oldest.slice(0, 12)} (unpushed and unmerged work)` };
}

/**
 * The commits of `refs` (in order of preference) and the merge-base of `head` with the first that
 * exists (undefined when none does or git finds none: then the caller deepens a shallow clone).
 */
async function guessBase(
  repo: GitReader,
  refs: readonly string[],
  head: string,
): Promise<{ known: Map<string, string>; mergeBase?: string }> {
  const known = await refCommits(repo, refs);
  const first = refs.map((r) => known.get(r)).find(Boolean);
  const mergeBase = first === undefined ? undefined : first === head ? head : await repo.mergeBase(first, head);
  return mergeBase ? { known, mergeBase } : { known };
}

/** The all-zero object id git's pre-push hook gives for a ref the remote does not have. */
const ZERO_SHA_TEXT = "0".repeat(40);

/**
 * The default branch's candidates as protoship.yaml's defaults name them (no `check.defaultBranch`,
 * `release.remote` origin): asked before it is read (and prefetched by check/early-reads.ts).
 */
export const GUESSED_REFS: readonly string[] = defaultBranchCandidates({ remote: DEFAULTS.release.remote }).map((c) => c.ref);

function defaultBranchCandidates(options: { defaultBranch?: string; remote: string }): { name: string; ref: string }[] {
  const { remote } = options;
  const names = options.defaultBranch ? [options.defaultBranch] : ["main", "master"];
  return [
    { name: `${remote}/HEAD`, ref: `refs/remotes/${remote}/HEAD` },
    ...names.flatMap((n) => [
      { name: `${remote}/${n}`, ref: `refs/remotes/${remote}/${n}` },
      { name: n, ref: `refs/heads/${n}` },
    ]),
  ];
}

/**
 * The base of one pushed ref: exactly what the push changes on the remote is checked. For an
 * existing remote branch that is the remote's commit itself — for a force push too, even of an
 * unrelated history, since what the remote had is what its users have; when that commit is not
 * in this repository it is fetched, or the error says what to run. For a new branch, the boundary
 * of the commits that no ref of the remote has yet; for a history the remote has none of, the
 * empty tree.
 */
export async function resolvePushBase(repo: GitWriter, ref: PushedRef, remote: string): Promise<Base> {
  const remoteSha = ZERO_SHA.test(ref.remoteSha) ? undefined : ref.remoteSha;
  const missing = await repo.missingObjects([ref.localSha, ...(remoteSha ? [remoteSha] : [])]);
  if (missing.has(ref.localSha)) {
    throw new EnvironmentError(
      `pre-push: ${ref.localRef} is at ${ref.localSha}, which is not in this repository`,
      "push from the repository that holds the commit",
    );
  }
  if (remoteSha) {
    if (missing.has(remoteSha)) await fetchMissing(repo, remote, remoteSha, ref.remoteRef);
    return { sha: remoteSha, label: ref.remoteRef };
  }
  const out = await unpublishedCommits(repo, ref.localSha, remote);
  const boundary = out
    .split("\n")
    .filter((l) => l.startsWith("-"))
    .map((l) => l.slice(1).trim());
  if (boundary[0]) return { sha: boundary[0], label: `${redact(remote)} (new branch)` };
  if (out.trim() === "") return { sha: ref.localSha, label: `${redact(remote)} (already there)` };
  if (await repo.isShallow()) {
    throw new EnvironmentError(
      "this shallow clone does not have the history the push builds on",
      `run: git fetch --unshallow ${redact(remote)}`,
    );
  }
  return { sha: EMPTY_TREE, label: "(first push)" };
}

/** Fetches the remote's current commit of a ref being overwritten (someone else pushed it). */
async function fetchMissing(repo: GitWriter, remote: string, sha: string, remoteRef: string): Promise<void> {
  try {
    await fetchCommit(repo, remote, sha);
  } catch {
    // Reported below with what to run.
  }
  if ((await repo.missingObjects([sha])).size === 0) return;
  throw new EnvironmentError(
    `the remote's ${remoteRef} is at ${sha.slice(0, 12)}, which is not in this repository, so the push cannot be checked against it`,
    `run: git fetch ${redact(remote)}, then push again`,
  );
}

/** Resolves a ref; a missing remote-tracking ref is fetched once before giving up. */
async function resolveOrFetch(repo: GitWriter, ref: string, remote: string): Promise<string> {
  const sha = await repo.resolveCommit(ref);
  if (sha) return sha;
  const branch = ref.startsWith(`${remote}/`) ? ref.slice(remote.length + 1) : ref;
  try {
    await fetchBranch(repo, remote, branch);
  } catch {
    // Fall through to the error below, which says what to run.
  }
  const fetched = (await repo.resolveCommit(ref)) ?? (await repo.resolveCommit(`${remote}/${branch}`));
  if (fetched) return fetched;
  throw new EnvironmentError(
    `unknown revision ${JSON.stringify(redact(ref))}`,
    `check the name, or run: git fetch ${redact(remote)} ${redact(branch)}`,
  );
}

/**
 * The merge-base of two commits. In a shallow clone (CI's checkout) it may be missing: then the
 * history is deepened from the remote, and if that is not enough the error says what to run.
 */
async function mergeBaseOrDeepen(repo: GitWriter, a: string, b: string, remote: string): Promise<string> {
  if (a === b) return a; // work on top of the base itself (the usual uncommitted change): nothing to ask git
  const mb = await repo.mergeBase(a, b);
  if (mb) return mb;
  if (await repo.isShallow()) {
    try {
      await unshallow(repo, remote);
    } catch (error) {
      throw new EnvironmentError(
        "this shallow clone lacks the history to find the merge-base, and fetching it failed",
        `run: git fetch --unshallow ${redact(remote)}`,
        error,
      );
    }
    const again = await repo.mergeBase(a, b);
    if (again) return again;
  }
  throw new EnvironmentError(
    `${a.slice(0, 12)} and ${b.slice(0, 12)} have no common history`,
    "pass --against <ref> with a related commit",
  );
}
