import { InternalError } from "../errors.js";
import { diffWithWorktree, ignoredPaths, type FileChange, type Side } from "../git/diff.js";
import type { GitReader } from "../git/git.js";
import type { ProtoFile } from "./file-set.js";
import type { Snapshot } from "./snapshot.js";
import { createOverlayTree } from "./overlay-tree.js";

/** A folder holding the repository's relevant files as they are on one side of a comparison. */
export interface RevisionTree {
  dir: string;
  dispose(): Promise<void>;
}

/** Optional inputs of {@link materialize}. */
export interface MaterializeOptions {
  /** The ignored entries of the working tree ({@link ignoredPaths}), when the caller has them. */
  ignored?: readonly string[];
  /**
   * The folders buf reads (module roots, "" for the whole repository, less each one's excludes):
   * ignored entries elsewhere are invisible to buf anyway and are left as they are. Default: hide
   * every ignored entry.
   */
  within?: readonly BufReach[];
  /**
   * The .proto files buf compiles on the side (Snapshot.listProtoFiles) and the side itself: a file
   * a symlink leads to is written as a file (with its bytes at the side), since a link in the
   * overlay would resolve in the working tree.
   */
  files?: readonly ProtoFile[];
  snapshot?: Snapshot;
  /** The working tree's symlinks: hidden in an overlay of another side (see `files`). */
  worktreeLinks?: readonly string[];
  /** Files written with these bytes whatever the side holds (HEAD's buf.yaml for a base without one). */
  borrowed?: ReadonlyMap<string, Uint8Array>;
}

const inPlace = (repo: GitReader): RevisionTree => ({ dir: repo.root, dispose: async () => {} });

/**
 * Materialises `side` for buf, from git's objects: a commit or the index becomes an overlay of
 * the working tree in which the files (among `pathspecs`) that differ from it are written as git
 * has them, and every untracked or ignored entry is hidden, so nothing that is not in the commit
 * can satisfy an import; a path the side holds keeps the side's file whatever the working tree
 * has there. The working tree is itself, less its ignored entries (an ignored file is not part of
 * what anyone can check out) and, given its `snapshot`, its symlinks leading nowhere inside the
 * repository. When nothing differs (the usual pre-push), nothing is written and the repository is
 * used in place.
 *
 * @param untracked untracked files matching the pathspecs (absent from any commit and the index)
 * @param fromWorktree the commit→working-tree changes, when the caller already has (or asked for) them
 */
export async function materialize(
  repo: GitReader,
  side: Side,
  pathspecs: readonly string[],
  untracked: readonly string[],
  fromWorktree?: readonly FileChange[] | Promise<readonly FileChange[]>,
  options: MaterializeOptions = {},
): Promise<RevisionTree> {
  const rev = side.kind === "commit" ? side.sha : undefined;
  const [differing, ignored] = await Promise.all([
    side.kind === "worktree" ? [] : (fromWorktree ?? diffWithWorktree(repo, rev, pathspecs)),
    options.ignored ?? ignoredPaths(repo, pathspecs),
  ]);
  const overrides = new Map<string, Uint8Array | null>();
  // First what the working tree holds and the side does not is hidden, then what the side holds
  // is written over it: a path can be both (a file `git rm --cached` left untracked on the disk,
  // a file the disk holds as a symlink), and the side keeps its own.
  for (const entry of ignored) if (visibleToBuf(entry, options.within)) overrides.set(entry, null);
  if (side.kind !== "worktree") {
    for (const file of untracked) overrides.set(file, null);
    if (options.snapshot) for (const link of options.worktreeLinks ?? []) if (visibleToBuf(link, options.within)) overrides.set(link, null);
  } else if (options.snapshot) {
    // buf follows a symlink wherever it leads, the side only inside the repository: a link of
    // the working tree leading nowhere there (an untracked link to a folder outside) is hidden.
    const tree = await options.snapshot.tree();
    if (tree.hasLinks)
      for (const { path } of tree.links()) if (visibleToBuf(path, options.within) && !tree.resolve(path)) overrides.set(path, null);
  }
  // "A" means the file is in the working tree but not in git's side: hidden. The others are read
  // by blob id in one batch.
  for (const change of differing) if (change.status === "A") overrides.set(change.path, null);
  const held = differing.filter((c) => c.status !== "A");
  const blobs = await repo.readBlobs(held.flatMap((c) => (c.baseBlob ? [c.baseBlob] : [])));
  const sideTree = side.kind === "worktree" ? undefined : await options.snapshot?.tree();
  for (const change of held) {
    // A symlink of the side is not written as such: what it leads to is (below).
    if (sideTree?.entry(change.path)?.link !== undefined) {
      overrides.set(change.path, null);
      continue;
    }
    const blob = change.baseBlob ? blobs.get(change.baseBlob) : undefined;
    if (!blob) throw new InternalError(`git diff gave no blob for ${JSON.stringify(change.path)}`);
    overrides.set(change.path, blob);
  }
  if (side.kind !== "worktree" && options.snapshot) {
    const linked = (options.files ?? []).filter((f) => f.source !== f.path);
    const bytes = await Promise.all(linked.map((f) => options.snapshot!.readBytes(f.path)));
    linked.forEach((f, i) => overrides.set(f.path, bytes[i] ?? null));
  }
  for (const [file, bytes] of options.borrowed ?? []) overrides.set(file, bytes);
  if (overrides.size === 0) return inPlace(repo);
  return createOverlayTree(repo.root, overrides);
}

/** A folder buf reads: a module's root ("" for the repository's) and the sub-folders it leaves out (buf.yaml `excludes`), relative to the repository root. */
export interface BufReach {
  root: string;
  excludes?: readonly string[];
}

/**
 * Whether buf, reading the folders `within` (none given: everything), can reach `entry` (a path,
 * or a folder on the way to one). A module's excluded folders are not part of it, so nothing in
 * them can be compiled or imported.
 */
export function visibleToBuf(entry: string, within: readonly BufReach[] | undefined): boolean {
  if (!within) return true;
  const under = (folder: string): boolean => entry === folder || entry.startsWith(`${folder}/`);
  return within.some(
    ({ root, excludes = [] }) => (root !== "" && root.startsWith(`${entry}/`)) || ((root === "" || under(root)) && !excludes.some(under)),
  );
}
