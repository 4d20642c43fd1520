import type { GitRepo } from "../git/git.js";
import { ignoredPaths, indexToWorktree, type RawChange } from "../git/diff.js";
import { Project, type RepoProject } from "../project/project.js";
import type { BufWorkspace } from "../buf/buf-config.js";
import { Snapshot } from "../snapshot/snapshot.js";
import { isSchemaPath, SCHEMA_PATHSPECS } from "../snapshot/schema-inputs.js";

/**
 * What `protoship check` reads of the repository once for every comparison (a push may carry
 * several refs): each read starts on first use and is memoised.
 */
export interface RepoReads {
  repo: GitRepo;
  /** protoship.yaml (and yaml and zod with it), read only when needed: a push without .proto changes, given its remote by git, never reads it. */
  openProject(): Promise<RepoProject>;
  /** buf's workspace, memoised by the project. */
  readWorkspace(): Promise<BufWorkspace>;
  /** The working tree (an overlay of another side hides its symlinks). */
  worktree: Snapshot;
  /** The index, when it is what is checked (--staged). */
  index: Snapshot | undefined;
  /** Untracked schema inputs: the working tree's listing has them (no second walk of the working tree). */
  listUntracked(): Promise<string[]>;
  /** The working tree's ignored schema inputs. */
  listIgnored(): Promise<string[]>;
  /**
   * The index's differences from the working tree (every path), read once: they give its deleted
   * files and, with a commit's differences from the index, that commit's from the working tree
   * (git/diff.ts diffWorktreeFrom). Asked at once when the working tree is what is checked.
   */
  indexToWorktree(): Promise<RawChange[]>;
}

/**
 * The repository's reads for `check`. Checking the working tree or the index (`prePush` false)
 * always reads buf.yaml, lists that side's files and the working tree's ignored entries, so all
 * three start now, beside the git calls that find the base; a push starts them only once it has changes.
 */
export function startRepoReads(repo: GitRepo, options: { prePush?: boolean; staged?: boolean }): RepoReads {
  let opened: Promise<RepoProject> | undefined;
  const openProject = (): Promise<RepoProject> => (opened ??= Project.ofRepo(repo));
  const readWorkspace = (): Promise<BufWorkspace> => openProject().then((project) => project.workspace());
  let changes: Promise<RawChange[]> | undefined;
  const toWorktree = (): Promise<RawChange[]> => (changes ??= startEarly(indexToWorktree(repo)));
  if (!options.prePush && !options.staged) toWorktree();
  const worktree = Snapshot.worktree(repo, () => toWorktree().catch(() => undefined));
  const index = options.staged ? Snapshot.index(repo) : undefined;
  let untracked: Promise<string[]> | undefined;
  const listUntracked = (): Promise<string[]> => (untracked ??= worktree.tree().then((tree) => tree.untracked().filter(isSchemaPath)));
  let ignored: Promise<string[]> | undefined;
  const listIgnored = (): Promise<string[]> => (ignored ??= ignoredPaths(repo, SCHEMA_PATHSPECS));
  if (!options.prePush) {
    startEarly(readWorkspace());
    startEarly((index ?? worktree).tree());
    // Both sides' overlays hide the ignored entries: git walks the working tree for them beside the listing.
    startEarly(listIgnored());
  }
  return { repo, openProject, readWorkspace, worktree, index, listUntracked, listIgnored, indexToWorktree: toWorktree };
}

/**
 * Starts `promise` ahead of its use, so git, buf and the file system work side by side: it is
 * awaited later, where it is needed. Until then its failure must not count as an unhandled
 * rejection, and an error of whatever is awaited first wins.
 */
export function startEarly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
