import { EnvironmentError, ExitCode, ProtoshipError } from "../errors.js";
import type { PackagePlan } from "./plan.js";
import { formatTag } from "./tags.js";

/**
 * What `release tag` decides, as pure functions of gathered state (commands/release-tag.ts
 * gathers it and applies the result): whether a release can be cut from here, which tags to
 * create, and what a rejected push means. No git, no file system.
 */

/** The local repository as `release tag` sees it. */
export interface LocalState {
  /** HEAD's commit. */
  head: string;
  /** The checked-out branch; undefined when HEAD is detached. */
  branch: string | undefined;
  /** Paths with uncommitted changes (untracked, not ignored, files included). */
  dirty: readonly string[];
  /** Every local release tag: tag name → its package's npm name and the commit it points at. */
  tags: ReadonlyMap<string, { name: string; commit: string }>;
}

/** The remote as `release tag` sees it. */
export interface RemoteState {
  /** Whether the remote is configured; when it is not, nothing else is known. */
  exists: boolean;
  /** The release branch on the remote; absent when the remote has no such branch. */
  branch?: {
    commit: string;
    /** Whether the local repository has that commit; the two below are false when it does not. */
    known: boolean;
    /** HEAD is an ancestor of (or equal to) the remote's branch. */
    headIsAncestor: boolean;
    /** The remote's branch is an ancestor of (or equal to) HEAD. */
    remoteIsAncestor: boolean;
  };
  /** The remote's tags: name → commit. */
  tags: ReadonlyMap<string, string>;
}

/** protoship.yaml's release settings and the command's `--no-push`. */
export interface TagSettings {
  branch: string;
  remote: string;
  tagFormat: string;
  push: boolean;
}

/** One tag to create at HEAD, with the package plan it releases. */
export interface TagToCreate {
  tag: string;
  plan: PackagePlan;
}

/** What `release tag` will do. */
export interface TagPlan {
  /** Tags to create at HEAD (neither local nor on the remote yet). */
  create: TagToCreate[];
  /** Tags to release that the remote already has at HEAD: fetched, not created. */
  fetch: string[];
  /** Release tags of this plan's units already at HEAD locally but not on the remote (an earlier `--no-push` run): pushed too. */
  unpushed: string[];
  /** The npm names of every unit at HEAD: the release tags at HEAD that count. */
  units: ReadonlySet<string>;
}

/** Refusals exit 2 with the reason: the release cannot be cut from this state. */
export function refusal(message: string, hint?: string): ProtoshipError {
  return new ProtoshipError(`release tag refused: ${message}`, { exitCode: ExitCode.Usage, ...(hint ? { hint } : {}) });
}

/** Whether a release can be cut from this checkout: on the release branch, with a clean tree. Throws the refusal. */
export function checkLocal(local: LocalState, settings: Pick<TagSettings, "branch">): void {
  const { branch } = settings;
  if (local.branch !== branch)
    throw refusal(
      `not on the release branch ${branch} (${local.branch ? `on ${local.branch}` : "HEAD is detached"})`,
      `run it on ${branch}, or set release.branch in protoship.yaml`,
    );
  if (local.dirty.length > 0)
    throw refusal(
      `the working tree is dirty (${local.dirty.slice(0, 3).join(", ")}${local.dirty.length > 3 ? `, … ${local.dirty.length - 3} more` : ""})`,
      "commit or stash the changes first",
    );
}

/**
 * Whether the remote allows a release from HEAD: it exists when pushing, and its release branch
 * is HEAD (pushing) or at least not ahead of or diverged from it. Throws the refusal.
 */
export function checkRemote(local: LocalState, remote: RemoteState, settings: TagSettings): void {
  const { branch, remote: name, push } = settings;
  if (push && !remote.exists)
    throw new EnvironmentError(`release tag: there is no remote "${name}" to push to`, "add it, set release.remote, or pass --no-push");
  if (!remote.exists) return;
  const at = remote.branch;
  if (!at) {
    if (push) throw refusal(`${branch} does not exist on ${name}`, `push ${branch} first`);
    return;
  }
  if (at.commit === local.head) return;
  if (!at.known || at.headIsAncestor)
    throw refusal(`${branch} is behind ${name}/${branch}`, `pull first (git pull --ff-only ${name} ${branch})`);
  if (!at.remoteIsAncestor) throw refusal(`${branch} has diverged from ${name}/${branch}`, "reconcile the branches first");
  if (push) throw refusal(`${branch} has commits that are not on ${name} yet`, `push ${branch} first, then tag`);
}

/**
 * The tags to create for `plan` at HEAD: one per package with a next version. A tag that exists
 * (locally or on the remote) at another commit is refused, never moved; one at HEAD already is
 * done (fetched when only the remote has it).
 */
export function planTagging(
  local: LocalState,
  remote: RemoteState,
  plan: { packages: readonly PackagePlan[] },
  settings: TagSettings,
): TagPlan {
  const create: TagToCreate[] = [];
  const fetch: string[] = [];
  for (const p of plan.packages) {
    if (p.next === null) continue;
    const tag = formatTag(settings.tagFormat, p.name, p.next);
    const here = local.tags.get(tag)?.commit;
    const there = remote.tags.get(tag);
    for (const [where, sha] of [
      ["locally", here],
      [`on ${settings.remote}`, there],
    ] as const) {
      if (sha && sha !== local.head)
        throw refusal(
          `${tag} already exists ${where} at ${sha.slice(0, 12)}, not at HEAD ${local.head.slice(0, 12)}`,
          "protoship never moves a tag; release from that commit or delete the tag yourself if it is wrong",
        );
    }
    if (there) fetch.push(tag);
    else if (!here) create.push({ tag, plan: p });
  }
  const units = new Set(plan.packages.map((p) => p.name));
  return { create, fetch, unpushed: releaseTagsAtHead(local, units).filter((t) => !remote.tags.has(t)), units };
}

/** The local release tags of `units` at HEAD, sorted. */
export function releaseTagsAtHead(local: Pick<LocalState, "head" | "tags">, units: ReadonlySet<string>): string[] {
  return [...local.tags]
    .filter(([, t]) => t.commit === local.head && units.has(t.name))
    .map(([tag]) => tag)
    .sort();
}

/** A tag as the remote holds it: the object (the tag object for an annotated tag) and the commit behind it. */
export interface RemoteTag {
  object: string;
  commit: string;
}

/** What a rejected atomic push means, once the remote's tags are read back. */
export type AfterRejectedPush =
  /**
   * Every pending tag is on the remote at HEAD: a racing run released the same; this run's own
   * objects that differ from the remote's (`replaced`) give way to the remote's.
   */
  | { kind: "released-elsewhere"; replaced: string[] }
  /** Retry the push (a lost ref-lock race, say). */
  | { kind: "retry" }
  /** Give up: undo this run's tags, except those the remote holds as the very same object. */
  | { kind: "give-up"; rollback: string[] };

/**
 * Decides after a rejected push: `pending` the tags pushed, `created` those this run created,
 * `ownObjects` the local object of each created tag, `onRemote` the remote's tags read back,
 * `attempt` counted from 1 of `attempts`.
 */
export function afterRejectedPush(input: {
  head: string;
  pending: readonly string[];
  created: readonly string[];
  ownObjects: ReadonlyMap<string, string | undefined>;
  onRemote: ReadonlyMap<string, RemoteTag>;
  attempt: number;
  attempts: number;
}): AfterRejectedPush {
  const { head, pending, created, ownObjects, onRemote } = input;
  const elsewhere = pending.filter((t) => {
    const remote = onRemote.get(t);
    return remote !== undefined && remote.commit !== head;
  });
  // This run's tags the remote does not hold as the very object this run made.
  const notTheRemotes = created.filter((t) => ownObjects.get(t) !== onRemote.get(t)?.object);
  if (elsewhere.length === 0 && pending.every((t) => onRemote.get(t)?.commit === head))
    return { kind: "released-elsewhere", replaced: notTheRemotes };
  if (elsewhere.length > 0 || input.attempt >= input.attempts) {
    // Keep a tag the remote already has at HEAD as the very object it has: it is released, whoever pushed it.
    return { kind: "give-up", rollback: notTheRemotes };
  }
  return { kind: "retry" };
}
