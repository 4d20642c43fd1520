import type { BufWorkspace } from "../buf/buf-config.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { diffPaths, diffWorktreeFrom, fileChangesOf, type FileChange, type Side } from "../git/diff.js";
import { EMPTY_TREE } from "../git/git.js";
import type { ProtoFile, SideTree } from "../snapshot/file-set.js";
import { Snapshot } from "../snapshot/snapshot.js";
import { isSchemaPath } from "../snapshot/schema-inputs.js";
import type { Base } from "./resolve-base.js";
import { startEarly, type RepoReads } from "./repo-reads.js";
import { isSchemaChange } from "./select-targets.js";

/** One base/head pair to check. */
export interface Comparison {
  base: Base;
  head: Side;
  label: string;
}

/** Everything one comparison is planned and applied from: its sides, its changes and buf's workspace. */
export interface ComparisonInputs {
  comparison: Comparison;
  headSnapshot: Snapshot;
  /** Undefined when there is no base (the first commit). */
  baseSnapshot: Snapshot | undefined;
  /** The schema inputs that differ between base and head (untracked files included when the head is the working tree). */
  changes: FileChange[];
  /** Untracked schema inputs of the working tree. */
  newFiles: string[];
  workspace: BufWorkspace;
  config: ProtoshipConfig;
  /** The working tree's ignored schema inputs. */
  ignored: string[];
  /**
   * The .proto files buf compiles on each side (the snapshots' one file set), listed when a side
   * holds a symlink or buf's configuration changed; undefined otherwise: every file is at its own
   * path on both sides, and the targets come from the changed paths alone (selectLinkFreeTargets).
   */
  protoFiles: { head: ProtoFile[]; base: ProtoFile[] } | undefined;
  headTree: SideTree;
  /** Undefined when there is no base. */
  baseTree: SideTree | undefined;
  worktreeTree: SideTree;
  /** The head commit→working-tree changes its overlay needs (started, not awaited). */
  headFromWorktree: Promise<FileChange[]> | undefined;
  /** The base commit→working-tree changes its overlay needs (started, not awaited). */
  baseFromWorktree: readonly FileChange[] | Promise<FileChange[]> | undefined;
}

/**
 * Reads what one comparison needs, with every read that can run beside another started early.
 * Undefined when no schema input changed: a push without .proto changes ends here, before
 * buf.yaml is even read.
 */
export async function gatherComparison(reads: RepoReads, comparison: Comparison, prePush: boolean): Promise<ComparisonInputs | undefined> {
  const { repo, worktree, index, listUntracked, listIgnored, readWorkspace } = reads;
  const againstWorktree = comparison.head.kind === "worktree";
  // The .proto files buf compiles on each side (the snapshots' one file set): symlinks followed
  // as git stores them, ignored files never. Checking the working tree or the index, the base's
  // listing runs beside the diff; a push lists its sides only once the diff has changes.
  const headSnapshot = comparison.head.kind === "commit" ? Snapshot.of(repo, comparison.head, comparison.label) : (index ?? worktree);
  const baseSnapshot = comparison.base.sha === EMPTY_TREE ? undefined : Snapshot.commit(repo, comparison.base.sha, comparison.base.label);
  // Diff first (the longest git call: started before the base's listing), with pathspecs that need no configuration.
  // New files nobody has `git add`ed yet are part of the working tree being checked; listing
  // them costs a directory walk, so a commit-to-commit diff does it only once it has changes.
  // Against the working tree the walks, the diff and reading buf.yaml run side by side.
  // Without pathspecs: a symlink (any name) is a schema input when a module path leads through it.
  // The working tree's side of it (the index's differences from it) was asked before the base was known.
  const diff = againstWorktree
    ? diffWorktreeFrom(repo, comparison.base.sha, reads.indexToWorktree())
    : diffPaths(repo, comparison.base.sha, comparison.head, []);
  if (!prePush && baseSnapshot) startEarly(baseSnapshot.tree());
  const [changes, listed] = await Promise.all([
    diff.then((all) => all.filter(isSchemaChange)),
    againstWorktree ? listUntracked() : undefined,
    againstWorktree ? readWorkspace() : undefined,
    againstWorktree ? listIgnored() : undefined,
  ]);
  if (listed) addUntracked(changes, listed);
  if (changes.length === 0) return undefined;
  // A push's sides and the working tree are listed while buf.yaml is read, and so are the
  // differences from the working tree that each side's overlay needs (awaited when applying).
  for (const side of [headSnapshot, baseSnapshot, worktree]) if (side) startEarly(side.tree());
  // Both from the working tree's differences from the index, read once (with the deleted files).
  const headFromWorktree = againstWorktree ? undefined : startEarly(schemaFromWorktree(reads, shaOf(comparison.head)));
  // Against the working tree, the base→head diff is exactly what the base overlay needs.
  const baseFromWorktree = againstWorktree ? changes : baseSnapshot && startEarly(schemaFromWorktree(reads, comparison.base.sha));
  const [newFiles, workspace, ignored, { config }] = await Promise.all([
    listUntracked(),
    readWorkspace(),
    listIgnored(),
    reads.openProject(),
  ]);
  // The working tree's listing (its symlinks are hidden from overlays of other sides) runs beside.
  const [worktreeTree, headTree, baseTree] = await Promise.all([worktree.tree(), headSnapshot.tree(), baseSnapshot?.tree()]);
  // Without a symlink on either side nor a change of buf's configuration, no side's whole file set is needed.
  const full = changes.some((c) => workspace.configFiles.includes(c.path));
  const everyFile = full || headTree.hasLinks || baseTree?.hasLinks;
  const [head, base] = everyFile
    ? await Promise.all([headSnapshot.listProtoFiles(workspace), baseSnapshot?.listProtoFiles(workspace) ?? []])
    : [];
  return {
    comparison,
    headSnapshot,
    baseSnapshot,
    changes,
    newFiles,
    workspace,
    config,
    ignored,
    protoFiles: head && base ? { head, base } : undefined,
    headTree,
    baseTree,
    worktreeTree,
    headFromWorktree,
    baseFromWorktree,
  };
}

/**
 * The schema inputs where the working tree differs from `rev` (a commit; the index when
 * undefined), with their blobs there: what `git diff <rev> -- <schema pathspecs>` lists.
 */
async function schemaFromWorktree(reads: RepoReads, rev: string | undefined): Promise<FileChange[]> {
  const all =
    rev === undefined ? fileChangesOf(await reads.indexToWorktree()) : await diffWorktreeFrom(reads.repo, rev, reads.indexToWorktree());
  return all.filter((c) => isSchemaPath(c.path));
}

/**
 * Adds the working tree's untracked files to the base→working-tree `changes` (git's diff lists
 * only what the index tracks): an addition, or a modification of a file the base holds and the
 * index no longer does (`git rm --cached`: git's diff has it as deleted, its blob the base's).
 */
function addUntracked(changes: FileChange[], untracked: readonly string[]): void {
  const deleted = new Map<string, number>();
  changes.forEach((c, i) => {
    if (c.status === "D") deleted.set(c.path, i);
  });
  for (const path of untracked) {
    const at = deleted.get(path);
    if (at === undefined) changes.push({ status: "A", path });
    else changes[at] = { ...changes[at]!, status: "M" };
  }
}

/** The commit of a side, undefined for the index (the working tree has none to diff with). */
function shaOf(side: Side): string | undefined {
  return side.kind === "commit" ? side.sha : undefined;
}
