import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { ExitCode, ProtoshipError } from "../errors.js";
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
} from "../git/tags.js";
import { listReleaseTags } from "../release/tags.js";
import {
  afterRejectedPush,
  checkLocal,
  checkRemote,
  planTagging,
  releaseTagsAtHead,
  type LocalState,
  type RemoteState,
  type TagPlan,
  type TagSettings,
  type TagToCreate,
} from "../release/tagging-plan.js";
import { Project } from "../project/project.js";

/** Options of `protoship release tag`. */
export interface ReleaseTagOptions {
  cwd: string;
  /** Print what would be done; create and push nothing. */
  dryRun?: boolean;
  /** Push the tags (default true); false tags locally only. */
  push?: boolean;
}

/**
 * Tags every unit whose schema changed since its last release with `<npm name>@<next>` at HEAD
 * (annotation = changelog) and pushes all tags in one atomic push. Safe to re-run and to race:
 * tags are created with git's per-ref lock, a tag already at HEAD counts as done, and a failed
 * push deletes only the local tags this run created. Gathers the local and remote state, decides
 * with the pure checkLocal, checkRemote and planTagging (release/tagging-plan.ts), then applies.
 */
export function releaseTag(options: ReleaseTagOptions): Promise<CommandResult> {
  return collectOutput((write) => runReleaseTag(options, write));
}

async function runReleaseTag(options: ReleaseTagOptions, write: Write): Promise<Verdict> {
  const repo = await GitRepo.open(options.cwd);
  const atHead = await Project.atHead(repo);
  const { branch, remote, tagFormat } = atHead.config.release;
  const settings: TagSettings = { branch, remote, tagFormat, push: options.push ?? true };

  const local = await gatherLocal(repo, atHead.commit, tagFormat);
  checkLocal(local, settings);
  const remoteState = await gatherRemote(repo, local.head, settings);
  checkRemote(local, remoteState, settings);
  const plan = planTagging(local, remoteState, await computePlan(atHead), settings);
  if (options.dryRun) {
    writeDryRun(plan, local.head, settings, write);
    return ExitCode.Ok;
  }
  await applyTagging(repo, plan, local.head, remoteState.tags, settings, write);
  return ExitCode.Ok;
}

/** The local side: HEAD, the branch, uncommitted changes and every release tag. */
async function gatherLocal(repo: GitRepo, head: string, tagFormat: string): Promise<LocalState> {
  const [branch, dirty] = await Promise.all([repo.currentBranch(), dirtyPaths(repo)]);
  return { head, branch, dirty, tags: await localReleaseTags(repo, tagFormat) };
}

/** Every local release tag: name → package and commit. */
async function localReleaseTags(repo: GitRepo, tagFormat: string): Promise<Map<string, { name: string; commit: string }>> {
  return new Map((await listReleaseTags(repo, tagFormat)).map((t) => [t.tag, { name: t.name, commit: t.commit }]));
}

/** The remote side: whether it exists, its release branch and how that relates to HEAD, its tags. */
async function gatherRemote(repo: GitRepo, head: string, settings: TagSettings): Promise<RemoteState> {
  const { remote, branch } = settings;
  if (!(await hasRemote(repo, remote))) return { exists: false, tags: new Map() };
  const refs = await remoteRefs(repo, remote, [`refs/heads/${branch}`, "refs/tags/*"]);
  const tags = new Map<string, string>();
  for (const [ref, { commit }] of refs) if (ref.startsWith("refs/tags/")) tags.set(ref.slice("refs/tags/".length), commit);
  const commit = refs.get(`refs/heads/${branch}`)?.commit;
  if (!commit) return { exists: true, tags };
  if (commit === head) return { exists: true, branch: { commit, known: true, headIsAncestor: true, remoteIsAncestor: true }, tags };
  const known = await repo.hasObject(commit);
  const [headIsAncestor, remoteIsAncestor] = known
    ? await Promise.all([isAncestor(repo, head, commit), isAncestor(repo, commit, head)])
    : [false, false];
  return { exists: true, branch: { commit, known, headIsAncestor, remoteIsAncestor }, tags };
}

function describeTag(w: TagToCreate, head: string): string {
  return `${w.tag} at ${head.slice(0, 12)} (${w.plan.bump}${w.plan.current ? ` from ${w.plan.current}` : ", first release"})`;
}

function writeDryRun(plan: TagPlan, head: string, settings: TagSettings, write: Write): void {
  if (plan.create.length === 0) write("nothing to tag: every package is released at HEAD\n");
  for (const w of plan.create) write(`would tag ${describeTag(w, head)}\n${indent(tagMessage(w.plan))}`);
  const pending = [...new Set([...plan.unpushed, ...plan.create.map((w) => w.tag)])];
  if (settings.push && pending.length > 0)
    write(`would push ${pending.length} tag${pending.length === 1 ? "" : "s"} to ${settings.remote} in one atomic push\n`);
}

/** How many times an atomic push that lost a race is tried. */
const PUSH_ATTEMPTS = 3;

/**
 * Creates the planned tags (a tag another run created at HEAD meanwhile counts as done), then
 * pushes every release tag at HEAD the remote lacks (`remoteTags`: its tags before this run) in one atomic push, recovering from a race
 * as afterRejectedPush decides.
 */
async function applyTagging(
  repo: GitRepo,
  plan: TagPlan,
  head: string,
  remoteTags: ReadonlyMap<string, string>,
  settings: TagSettings,
  write: Write,
): Promise<void> {
  const { remote } = settings;
  await fetchTags(repo, remote, plan.fetch);
  const created: string[] = [];
  for (const w of plan.create) {
    let made: boolean;
    try {
      made = await createAnnotatedTag(repo, w.tag, head, tagMessage(w.plan));
    } catch (error) {
      if (error instanceof ProtoshipError && created.length > 0) await rollback(repo, created, error.message);
      throw error;
    }
    if (made) {
      created.push(w.tag);
      write(`tagged ${describeTag(w, head)}\n`);
      continue;
    }
    // Another run created it between our check and now: fine if it is at HEAD.
    const sha = await localTagCommit(repo, w.tag);
    if (sha !== head) await rollback(repo, created, `${w.tag} appeared at ${sha?.slice(0, 12) ?? "an unknown commit"} while tagging`);
    write(`${w.tag} was created at HEAD by another run\n`);
  }

  const nothing = (): void => {
    if (created.length === 0) write("nothing to tag: every package is released at HEAD\n");
  };
  if (!settings.push) return nothing();
  const atHead = releaseTagsAtHead({ head, tags: await localReleaseTags(repo, settings.tagFormat) }, plan.units);
  const pending = [...new Set([...atHead, ...created])].filter((t) => !remoteTags.has(t)).sort();
  if (pending.length === 0) return nothing();
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
    const onRemote = new Map(
      [...after].filter(([ref]) => ref.startsWith("refs/tags/")).map(([ref, r]) => [ref.slice("refs/tags/".length), r]),
    );
    const ownObjects = new Map(await Promise.all(created.map(async (t) => [t, await localTagObject(repo, t)] as const)));
    const decision = afterRejectedPush({ head, pending, created, ownObjects, onRemote, attempt, attempts: PUSH_ATTEMPTS });
    if (decision.kind === "released-elsewhere") {
      await adoptRemoteTags(repo, remote, pending, decision.replaced, write);
      return;
    }
    if (decision.kind === "give-up") await rollback(repo, decision.rollback, `pushing to ${remote} failed: ${firstLine(error)}`);
    await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
  }
  write(`pushed ${pending.length} tag${pending.length === 1 ? "" : "s"} to ${remote} in one atomic push\n`);
}

/**
 * A racing run pushed the same release: this run's tag objects that differ from the remote's
 * (`replaced`) are deleted and the remote's fetched in their place.
 */
async function adoptRemoteTags(
  repo: GitRepo,
  remote: string,
  pending: readonly string[],
  replaced: readonly string[],
  write: Write,
): Promise<void> {
  for (const t of replaced) await deleteLocalTag(repo, t);
  await fetchTags(repo, remote, replaced);
  const missing: string[] = [];
  for (const t of replaced) if ((await localTagObject(repo, t)) === undefined) missing.push(t);
  const then = missing.length ? `, fetch ${missing.join(", ")} with git fetch --tags ${remote}` : `, fetched ${remote}'s instead`;
  const s = replaced.length === 1 ? "" : "s";
  const note = replaced.length === 0 ? "" : `; deleted the local tag${s} this run created (${replaced.join(", ")})${then}`;
  write(`${remote} already has ${pending.join(", ")} at HEAD (pushed by another run)${note}\n`);
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
