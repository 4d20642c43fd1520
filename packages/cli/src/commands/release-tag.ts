import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { EnvironmentError, ExitCode, ProtoshipError } from "../errors.js";
import { GitRepo } from "../git/git.js";
import { tagMessage } from "../release/changelog.js";
import { computePlan } from "../release/plan.js";
import {
  createAnnotatedTag,
  deleteLocalTag,
  dirtyPaths,
  fetchTags,
  hasRemote,
  isAncestor,
  localTagCommit,
  localTagObject,
  pushTagsAtomically,
  remoteRefs,
  type RemoteRef,
} from "../git/tags.js";
import { formatTag, listReleaseTags } from "../release/tags.js";
import { Project } from "../project/project.js";

/** Options of `protoship release tag`. */
export interface ReleaseTagOptions {
  cwd: string;
  /** Print what would be done; create and push nothing. */
  dryRun?: boolean;
  /** Push the tags (default true); false tags locally only. */
  push?: boolean;
}

/** Refusals exit 2 with the reason: the release cannot be cut from this state. */
function refuse(message: string, hint?: string): never {
  throw new ProtoshipError(`release tag refused: ${message}`, { exitCode: ExitCode.Usage, ...(hint ? { hint } : {}) });
}

/**
 * Tags every unit whose schema changed since its last release with `<npm name>@<next>` at HEAD
 * (annotation = changelog) and pushes all tags in one atomic push. Safe to re-run and to race:
 * tags are created with git's per-ref lock, a tag already at HEAD counts as done, and a failed
 * push deletes only the local tags this run created.
 */
export function releaseTag(options: ReleaseTagOptions): Promise<CommandResult> {
  return collectOutput((write) => runReleaseTag(options, write));
}

async function runReleaseTag(options: ReleaseTagOptions, write: Write): Promise<Verdict> {
  const push = options.push ?? true;
  const repo = await GitRepo.open(options.cwd);
  const atHead = await Project.atHead(repo);
  const head = atHead.commit;
  const { branch, remote, tagFormat } = atHead.config.release;

  const current = await repo.currentBranch();
  if (current !== branch)
    refuse(
      `not on the release branch ${branch} (${current ? `on ${current}` : "HEAD is detached"})`,
      `run it on ${branch}, or set release.branch in protoship.yaml`,
    );
  const dirty = await dirtyPaths(repo);
  if (dirty.length > 0)
    refuse(
      `the working tree is dirty (${dirty.slice(0, 3).join(", ")}${dirty.length > 3 ? `, … ${dirty.length - 3} more` : ""})`,
      "commit or stash the changes first",
    );

  const remoteExists = await hasRemote(repo, remote);
  if (push && !remoteExists)
    throw new EnvironmentError(`release tag: there is no remote "${remote}" to push to`, "add it, set release.remote, or pass --no-push");
  const remoteTags = new Map<string, string>();
  if (remoteExists) {
    const refs = await remoteRefs(repo, remote, [`refs/heads/${branch}`, "refs/tags/*"]);
    const remoteHead = refs.get(`refs/heads/${branch}`)?.commit;
    if (!remoteHead) {
      if (push) refuse(`${branch} does not exist on ${remote}`, `push ${branch} first`);
    } else if (remoteHead !== head) {
      const known = await repo.hasObject(remoteHead);
      if (!known || (await isAncestor(repo, head, remoteHead)))
        refuse(`${branch} is behind ${remote}/${branch}`, `pull first (git pull --ff-only ${remote} ${branch})`);
      if (!(await isAncestor(repo, remoteHead, head)))
        refuse(`${branch} has diverged from ${remote}/${branch}`, "reconcile the branches first");
      if (push) refuse(`${branch} has commits that are not on ${remote} yet`, `push ${branch} first, then tag`);
    }
    for (const [ref, { commit }] of refs) if (ref.startsWith("refs/tags/")) remoteTags.set(ref.slice("refs/tags/".length), commit);
  }

  const plan = await computePlan(atHead);
  const wanted = plan.packages.filter((p) => p.next !== null).map((p) => ({ plan: p, tag: formatTag(tagFormat, p.name, p.next!) }));
  const toCreate: typeof wanted = [];
  const alreadyOnRemote: string[] = [];
  for (const w of wanted) {
    const local = await localTagCommit(repo, w.tag);
    const onRemote = remoteTags.get(w.tag);
    for (const [where, sha] of [
      ["locally", local],
      [`on ${remote}`, onRemote],
    ] as const) {
      if (sha && sha !== head)
        refuse(
          `${w.tag} already exists ${where} at ${sha.slice(0, 12)}, not at HEAD ${head.slice(0, 12)}`,
          "protoship never moves a tag; release from that commit or delete the tag yourself if it is wrong",
        );
    }
    if (onRemote) alreadyOnRemote.push(w.tag);
    else if (!local) toCreate.push(w);
  }
  // Release tags at HEAD that the remote lacks (e.g. an earlier --no-push run) are pushed too.
  const unitNames = new Set(plan.packages.map((p) => p.name));
  const localAtHead = (await listReleaseTags(repo, tagFormat, { mergedInto: head }))
    .filter((t) => t.commit === head && unitNames.has(t.name))
    .map((t) => t.tag);

  if (options.dryRun) {
    if (toCreate.length === 0) write("nothing to tag: every package is released at HEAD\n");
    for (const w of toCreate)
      write(
        `would tag ${w.tag} at ${head.slice(0, 12)} (${w.plan.bump}${w.plan.current ? ` from ${w.plan.current}` : ", first release"})\n${indent(tagMessage(w.plan))}`,
      );
    const pending = [...new Set([...localAtHead.filter((t) => !remoteTags.has(t)), ...toCreate.map((w) => w.tag)])];
    if (push && pending.length > 0)
      write(`would push ${pending.length} tag${pending.length === 1 ? "" : "s"} to ${remote} in one atomic push\n`);
    return ExitCode.Ok;
  }

  await fetchTags(
    repo,
    remote,
    alreadyOnRemote.filter(() => remoteExists),
  );
  const created: string[] = [];
  for (const w of toCreate) {
    let made: boolean;
    try {
      made = await createAnnotatedTag(repo, w.tag, head, tagMessage(w.plan));
    } catch (error) {
      if (error instanceof ProtoshipError && created.length > 0) await rollback(repo, created, error.message);
      throw error;
    }
    if (made) {
      created.push(w.tag);
      write(`tagged ${w.tag} at ${head.slice(0, 12)} (${w.plan.bump}${w.plan.current ? ` from ${w.plan.current}` : ", first release"})\n`);
      continue;
    }
    // Another run created it between our check and now: fine if it is at HEAD.
    const sha = await localTagCommit(repo, w.tag);
    if (sha !== head) await rollback(repo, created, `${w.tag} appeared at ${sha?.slice(0, 12) ?? "an unknown commit"} while tagging`);
    write(`${w.tag} was created at HEAD by another run\n`);
  }

  if (!push) {
    if (created.length === 0) write("nothing to tag: every package is released at HEAD\n");
    return ExitCode.Ok;
  }
  const localNow = (await listReleaseTags(repo, tagFormat, { mergedInto: head }))
    .filter((t) => t.commit === head && unitNames.has(t.name))
    .map((t) => t.tag);
  const pending = [...new Set([...localNow, ...created])].filter((t) => !remoteTags.has(t)).sort();
  if (pending.length === 0) {
    if (created.length === 0) write("nothing to tag: every package is released at HEAD\n");
    return ExitCode.Ok;
  }
  // A rejected push is fine when the remote has every tag at HEAD (a racing run pushed the same
  // release): the tag objects this run made lose to the remote's, which replace them, so the clone
  // holds exactly what was released and `git fetch --tags` keeps working. A push that lost a
  // ref-lock race to such a run is retried.
  for (let attempt = 1; ; attempt++) {
    const error = await pushTagsAtomically(repo, remote, pending);
    if (error === undefined) break;
    // A remote that became unreachable: the push failed and nothing can be learned; undo this run's tags.
    const after = await remoteRefs(repo, remote, ["refs/tags/*"]).catch(() =>
      rollback(repo, created, `pushing to ${remote} failed: ${firstLine(error)}`),
    );
    const onRemote = (t: string): RemoteRef | undefined => after.get(`refs/tags/${t}`);
    const elsewhere = pending.filter((t) => onRemote(t) && onRemote(t)!.commit !== head);
    if (elsewhere.length === 0 && pending.every((t) => onRemote(t)?.commit === head)) {
      const replaced: string[] = [];
      for (const t of created) if ((await localTagObject(repo, t)) !== onRemote(t)!.object) replaced.push(t);
      for (const t of replaced) await deleteLocalTag(repo, t);
      await fetchTags(repo, remote, replaced);
      const missing: string[] = [];
      for (const t of replaced) if ((await localTagObject(repo, t)) === undefined) missing.push(t);
      const then = missing.length ? `, fetch ${missing.join(", ")} with git fetch --tags ${remote}` : `, fetched ${remote}'s instead`;
      const s = replaced.length === 1 ? "" : "s";
      const note = replaced.length === 0 ? "" : `; deleted the local tag${s} this run created (${replaced.join(", ")})${then}`;
      write(`${remote} already has ${pending.join(", ")} at HEAD (pushed by another run)${note}\n`);
      return ExitCode.Ok;
    }
    if (elsewhere.length > 0 || attempt === 3) {
      // Keep a tag the remote already has at HEAD as the very object it has: it is released, whoever pushed it.
      const ours = await Promise.all(created.map(async (t) => ({ t, same: (await localTagObject(repo, t)) === onRemote(t)?.object })));
      await rollback(
        repo,
        ours.filter((o) => !o.same).map((o) => o.t),
        `pushing to ${remote} failed: ${firstLine(error)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
  }
  write(`pushed ${pending.length} tag${pending.length === 1 ? "" : "s"} to ${remote} in one atomic push\n`);
  return ExitCode.Ok;
}

async function rollback(repo: GitRepo, created: readonly string[], reason: string): Promise<never> {
  for (const tag of created) await deleteLocalTag(repo, tag);
  const undone =
    created.length > 0
      ? `; deleted the local tag${created.length === 1 ? "" : "s"} this run created (${created.join(", ")}), no remote tag was touched`
      : "";
  throw new ProtoshipError(`release tag failed: ${reason}${undone}`, { exitCode: ExitCode.Usage });
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "    ");
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith("To ")) ?? text.trim()
  );
}
