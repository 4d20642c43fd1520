import type { BufWorkspace } from "../buf/buf-config.js";
import { repoPathCandidates, workspacePathOf } from "../buf/module-paths.js";
import type { SchemaImage } from "../schema/load-image.js";
import type { Snapshot } from "./snapshot.js";

/** The schema at one commit, and how to turn its module-relative file names into repository paths. */
export interface RevisionImage {
  image: SchemaImage;
  /** buf.yaml as it is at that commit. */
  workspace: BufWorkspace;
  repoPath(moduleFile: string): string;
}

/**
 * Compiles the schema of `snapshot` (a commit): the .proto files buf compiles there (the
 * snapshot's file set: symlinks followed as git stores them) are handed to buf as a tar archive
 * on stdin, so nothing is written to disk and nothing of the working tree is ever read.
 * `workspace` is the commit's buf workspace (read by the caller). With `paths` (repository
 * paths), only those files and their imports are compiled (see loadArchiveImage).
 */
export async function compileRevision(snapshot: Snapshot, workspace: BufWorkspace, paths?: readonly string[]): Promise<RevisionImage> {
  const only = paths ? { paths: paths.map((p) => workspacePathOf(workspace.dir, p)) } : {};
  const [image, files] = await Promise.all([snapshot.image(workspace, only), snapshot.listProtoFiles(workspace)]);
  const present = new Set(files.map((f) => f.path));
  const cache = new Map<string, string>();
  // Image file names are relative to their module; with several modules, the one holding the
  // file at this revision is the one it came from.
  const repoPath = (file: string): string => {
    let p = cache.get(file);
    if (p === undefined) {
      const candidates = repoPathCandidates(workspace, file);
      p = (candidates.length > 1 ? candidates.find((c) => present.has(c)) : undefined) ?? candidates[0] ?? file;
      cache.set(file, p);
    }
    return p;
  };
  return { image, workspace, repoPath };
}
