import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import path from "node:path";
import { isDeletion, parsePrePushInput, readStdin } from "../check/pre-push-input.js";
import { resolveBase, resolveFixBase, resolvePushBase, type Base } from "../check/resolve-base.js";
import { borrowedBufConfig } from "../check/base-config.js";
import { runSteps } from "../check/run-steps.js";
import { listModuleFiles } from "../buf/ls-files.js";
import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import { whyNotPassable } from "../buf/path-args.js";
import { isSchemaChange, selectTargets, type Targets } from "../check/select-targets.js";
import { ExitCode, ProtoshipError } from "../errors.js";
import { diffPaths, diffWithWorktree, ignoredPaths, unmergedPaths, type Side } from "../git/diff.js";
import { EMPTY_TREE, GitRepo } from "../git/git.js";
import { Project, type RepoProject } from "../project/project.js";
import type { Finding, Step } from "../report/finding.js";
import { render, type OutputFormat } from "../report/render.js";
import type { SideTree } from "../snapshot/file-set.js";
import { Snapshot } from "../snapshot/snapshot.js";
import { materialize } from "../snapshot/revision-tree.js";
import { isSchemaPath, SCHEMA_PATHSPECS } from "../snapshot/schema-inputs.js";

/** Options of `protoship check`. */
export interface CheckOptions {
  cwd: string;
  /** Base ref; default: merge-base with upstream, else with main/master. */
  against?: string;
  /** Check the pushed commits read from standard input (the pre-push hook). */
  prePush?: boolean;
  /** With prePush: the remote's name, as git passes it to the hook. */
  remote?: string;
  /** Pre-push lines, instead of reading standard input (for embedding). */
  prePushInput?: string;
  /** Check the index instead of the working tree. */
  staged?: boolean;
  fix?: boolean;
  skip?: ReadonlySet<Step>;
  output?: OutputFormat;
}

/** One base/head pair to check. */
interface Comparison {
  base: Base;
  head: Side;
  label: string;
}

/**
 * Formats, lints and breaking-checks the .proto files that changed between a base and what is
 * checked. The verdict is 0 clean, 1 findings; the report is the findings in `options.output`'s format.
 */
export function check(options: CheckOptions): Promise<CommandResult> {
  return collectOutput((write) => runCheck(options, write));
}

async function runCheck(options: CheckOptions, write: Write): Promise<Verdict> {
  const repo = await GitRepo.open(options.cwd);
  // protoship.yaml (and yaml and zod with it) is read only when needed: a push without .proto
  // changes, given its remote by git, never reads it.
  let opened: Promise<RepoProject> | undefined;
  const openProject = (): Promise<RepoProject> => (opened ??= Project.ofRepo(repo));
  // The workspace is memoised by the project across comparisons (a push may carry several refs).
  // Checking the working tree or the index always reads buf.yaml, so that starts now, beside the
  // git calls that find the base.
  const readWorkspace = () => openProject().then((project) => project.workspace());
  // Read once for every comparison: an overlay of another side hides the working tree's symlinks.
  const worktree = Snapshot.worktree(repo);
  const index = options.staged ? Snapshot.index(repo) : undefined;
  // Checking the working tree or the index lists that side's files in any case: the listing
  // starts now too (a push lists its sides only once it has changes).
  if (!options.prePush) {
    readWorkspace().catch(() => {}); // awaited below; an earlier error must win
    (index ?? worktree).tree().catch(() => {});
  }
  const comparisons = await listComparisons(repo, options, openProject);
  if (options.fix && comparisons.some((c) => c.head.kind !== "worktree")) {
    throw new ProtoshipError("--fix rewrites the working tree, so it cannot be combined with --pre-push or --staged");
  }

  const findings: Finding[] = [];
  const fixed: string[] = [];
  const checked = new Set<string>();
  let bufConfigChanged = false;
  let untracked: Promise<string[]> | undefined;
  // The working tree's listing has them (no second walk of the working tree).
  const listUntracked = (): Promise<string[]> => (untracked ??= worktree.tree().then((tree) => tree.untracked().filter(isSchemaPath)));
  let ignored: Promise<string[]> | undefined;
  const listIgnored = (): Promise<string[]> => (ignored ??= ignoredPaths(repo, SCHEMA_PATHSPECS));
  for (const comparison of comparisons) {
    const againstWorktree = comparison.head.kind === "worktree";
    // The .proto files buf compiles on each side (the snapshots' one file set): symlinks followed
    // as git stores them, ignored files never. Checking the working tree or the index, the base's
    // listing runs beside the diff; a push lists its sides only once the diff has changes.
    const headSnapshot = comparison.head.kind === "commit" ? Snapshot.of(repo, comparison.head, comparison.label) : (index ?? worktree);
    const baseSnapshot = comparison.base.sha === EMPTY_TREE ? undefined : Snapshot.commit(repo, comparison.base.sha, comparison.base.label);
    if (!options.prePush) baseSnapshot?.tree().catch(() => {}); // awaited below
    // Diff first, with pathspecs that need no configuration: a push without .proto changes ends
    // here, before buf.yaml is even read.
    // New files nobody has `git add`ed yet are part of the working tree being checked; listing
    // them costs a directory walk, so a commit-to-commit diff does it only once it has changes.
    // Against the working tree the walks, the diff and reading buf.yaml run side by side.
    // Without pathspecs: a symlink (any name) is a schema input when a module path leads through it.
    const [changes, listed] = await Promise.all([
      diffPaths(repo, comparison.base.sha, comparison.head, []).then((all) => all.filter(isSchemaChange)),
      againstWorktree ? listUntracked() : undefined,
      againstWorktree ? readWorkspace() : undefined,
      againstWorktree ? listIgnored() : undefined,
    ]);
    if (listed) changes.push(...listed.map((path) => ({ status: "A" as const, path })));
    if (changes.length === 0) continue;
    // A push's sides and the working tree are listed while buf.yaml is read, and so are the
    // differences from the working tree that each side's overlay needs (awaited below).
    for (const side of [headSnapshot, baseSnapshot, worktree]) side?.tree().catch(() => {});
    const headFromWorktree = againstWorktree ? undefined : begun(diffWithWorktree(repo, shaOf(comparison.head), SCHEMA_PATHSPECS));
    // Against the working tree, the base→head diff is exactly what the base overlay needs.
    const baseFromWorktree = againstWorktree
      ? changes
      : baseSnapshot && begun(diffWithWorktree(repo, comparison.base.sha, SCHEMA_PATHSPECS));
    const [newFiles, ws, ignoredEntries, { config }] = await Promise.all([listUntracked(), readWorkspace(), listIgnored(), openProject()]);
    const steps = new Set(config.check.steps.filter((s) => !options.skip?.has(s)));
    // The working tree's listing (its symlinks are hidden from overlays of other sides) runs beside.
    const [headProtos, baseProtos, worktreeTree] = await Promise.all([
      headSnapshot.listProtoFiles(ws),
      baseSnapshot?.listProtoFiles(ws) ?? [],
      worktree.tree(),
    ]);
    refuseLinksOutside(ws, changes, await headSnapshot.tree());
    const targets = selectTargets(ws, changes, baseProtos, headProtos);
    if (!targets) continue;
    refuseUnreadableNames(targets);
    // Both sides come from git (a commit, the index) or the working tree less its ignored files:
    // an ignored or untracked file never satisfies an import of a commit.
    const within = ws.modules.map((m) => m.root);
    const worktreeLinks = worktreeTree.links().map((l) => l.path);
    const hide = { ignored: ignoredEntries, within, worktreeLinks };
    // The base overlay (blobs read from git, symlinks written) is built while buf already lints
    // the head: only `buf breaking` needs it.
    const headTree = materialize(repo, comparison.head, SCHEMA_PATHSPECS, newFiles, headFromWorktree, {
      ...hide,
      files: headProtos,
      snapshot: headSnapshot,
    });
    // When buf's configuration changed the base may have other module roots (or none: the whole
    // repository), so every ignored entry is hidden from it.
    // A base without buf's configuration (before adoption) is read with HEAD's module roots.
    const borrowed = baseSnapshot && targets.full ? await borrowedBufConfig(ws, baseSnapshot, headSnapshot) : undefined;
    const baseHide = {
      ...hide,
      ...(targets.full ? { within: [""] } : {}),
      files: baseProtos,
      ...(baseSnapshot ? { snapshot: baseSnapshot } : {}),
      ...(borrowed ? { borrowed } : {}),
    };
    const baseSide: Side = { kind: "commit", sha: comparison.base.sha };
    const baseTree =
      comparison.base.sha === EMPTY_TREE ? undefined : materialize(repo, baseSide, SCHEMA_PATHSPECS, newFiles, baseFromWorktree, baseHide);
    baseTree?.catch(() => {}); // awaited by runSteps; a failure must not surface as unhandled first
    try {
      const head = await headTree;
      const baseDir = baseTree?.then((t) => t.dir);
      const fix = Boolean(options.fix);
      // buf's configuration changed: every file of every module is checked, and buf lists them.
      const all = targets.full ? listModuleFiles(path.join(head.dir, ...ws.dir.split("/").filter(Boolean)), ws.dir) : undefined;
      all?.catch(() => {}); // awaited below; a failing step must win
      const onFixed = (file: string): void => void fixed.push(file);
      const formatBaseline = new Set(config.check.formatBaseline);
      const allFiles = targets.full ? [...headProtos, ...baseProtos].map((f) => f.path) : undefined;
      const inputs = {
        workspace: ws,
        targets,
        headDir: head.dir,
        baseDir,
        steps,
        worktree: repo.root,
        fix,
        onFixed,
        formatBaseline,
        allFiles,
      };
      findings.push(...(await runSteps(inputs)));
      for (const f of (await all) ?? targets.headFiles) checked.add(f);
      bufConfigChanged ||= targets.full;
    } finally {
      const trees = await Promise.allSettled([headTree, ...(baseTree ? [baseTree] : [])]);
      await Promise.all(trees.map((t) => (t.status === "fulfilled" ? t.value.dispose() : undefined)));
    }
  }

  const summary = {
    findings,
    checkedFiles: [...checked],
    comparisons: comparisons.map((c) => c.label),
    bufConfigChanged,
    ...(options.fix ? { fixed } : {}),
  };
  write(render(summary, options.output ?? "text"));
  return findings.length > 0 ? ExitCode.Findings : ExitCode.Ok;
}

async function listComparisons(repo: GitRepo, options: CheckOptions, openProject: () => Promise<RepoProject>): Promise<Comparison[]> {
  if (!options.prePush) {
    const { config, remote } = await openProject();
    const defaultBranch = config.check.defaultBranch;
    const where = { ...(defaultBranch ? { defaultBranch } : {}), remote: options.remote ?? remote };
    const base =
      options.fix && !options.against && !options.staged
        ? await resolveFixBase(repo, where)
        : await resolveBase(repo, { ...(options.against ? { against: options.against } : {}), ...where });
    if (options.staged) await refuseUnmergedIndex(repo);
    const head: Side = options.staged ? { kind: "index" } : { kind: "worktree" };
    return [{ base, head, label: `${base.label}..${head.kind}` }];
  }
  const refs = parsePrePushInput(options.prePushInput ?? (await readStdin()));
  // git passes the hook its remote; protoship.yaml's is the fallback.
  const remote = options.remote ?? (refs.length ? (await openProject()).remote : "");
  const comparisons: Comparison[] = [];
  for (const ref of refs) {
    if (isDeletion(ref)) continue;
    const base = await resolvePushBase(repo, ref, remote);
    if (base.sha === ref.localSha) continue;
    comparisons.push({ base, head: { kind: "commit", sha: ref.localSha }, label: `${ref.localRef} → ${ref.remoteRef}` });
  }
  return comparisons;
}

/** The commit of a side, undefined for the index (the working tree has none to diff with). */
function shaOf(side: Side): string | undefined {
  return side.kind === "commit" ? side.sha : undefined;
}

/** A promise started ahead of its use: awaited later, so an early failure must not count as unhandled meanwhile. */
function begun<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** The index of a merge in progress holds several versions of a conflicted file: there is no one staged state to check. */
async function refuseUnmergedIndex(repo: GitRepo): Promise<void> {
  const unmerged = await unmergedPaths(repo);
  if (!unmerged.length) return;
  const shown = unmerged.slice(0, 3).join(", ") + (unmerged.length > 3 ? ` and ${unmerged.length - 3} more` : "");
  throw new ProtoshipError(`the index has unresolved merge conflicts (${shown}), so there is no staged state to check`, {
    hint: "resolve the conflicts and git add the files, then run protoship check --staged again",
  });
}

/**
 * A changed .proto in a module that is a symlink leading nowhere inside the repository (an
 * absolute target, one outside, into .git, or dangling) is in no side's file set: git stores only
 * the link, so no clone can compile it. Checking nothing would pass it silently: refuse it.
 */
function refuseLinksOutside(ws: BufWorkspace, changes: readonly { status: string; path: string }[], tree: SideTree): void {
  for (const change of changes) {
    if (change.status === "D" || !change.path.endsWith(".proto") || !moduleOf(ws, change.path)) continue;
    const link = tree.entry(change.path)?.link;
    if (link === undefined || tree.resolve(change.path)?.kind === "file") continue;
    throw new ProtoshipError(
      `${JSON.stringify(change.path)} is a symlink to ${JSON.stringify(link)}, which is no file inside the repository: git stores only the link, so no clone can compile it, and it cannot be checked`,
      { hint: "commit the .proto file itself (or a link to a file inside the repository) instead of the link" },
    );
  }
}

/**
 * buf cannot compile a .proto whose name holds a backslash (it fails with "nil FileDescriptor"
 * even without --path), and cannot be given one whose name holds `\r\n` (see whyNotPassable), so
 * such a change can be refused but never checked: say so up front.
 */
function refuseUnreadableNames(targets: Targets): void {
  for (const file of [...targets.headFiles, ...targets.baseFiles]) {
    const cause = file.includes("\\") ? "buf cannot read a .proto file whose name contains a backslash" : whyNotPassable(file);
    if (cause) throw new ProtoshipError(`${JSON.stringify(file)}: ${cause}, so it cannot be checked`, { hint: "rename the file" });
  }
}
