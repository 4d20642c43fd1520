import { existsSync } from "node:fs";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import { repoPathCandidates } from "../buf/module-paths.js";
import { ProtoshipError } from "../errors.js";
import type { GitRepo } from "../git/git.js";
import { loadImage, type SchemaImage } from "../schema/load-image.js";
import { schemaTreeAtCommit } from "../workspace/schema-inputs.js";

/** The schema at one commit, and how to turn its module-relative file names into repository paths. */
export interface RevisionImage {
  image: SchemaImage;
  repoPath(moduleFile: string): string;
}

/**
 * Compiles the schema as it is at `commit`, through an overlay of the working tree (cheap: only
 * the .proto and buf files that differ are written).
 */
export async function imageAtCommit(repo: GitRepo, workspace: BufWorkspace, commit: string, label: string): Promise<RevisionImage> {
  const tree = await schemaTreeAtCommit(repo, commit);
  try {
    let image: SchemaImage;
    try {
      image = await loadImage(tree.dir, workspace.dir ? { workspaceDir: workspace.dir } : {});
    } catch (error) {
      if (error instanceof ProtoshipError) throw new ProtoshipError(`at ${label}: ${error.message}`, { exitCode: error.exitCode, cause: error });
      throw error;
    }
    const dir = tree.dir;
    const cache = new Map<string, string>();
    // Image file names are relative to their module; with several modules, the one holding the
    // file at this revision is the one it came from.
    const repoPath = (file: string): string => {
      let p = cache.get(file);
      if (p === undefined) {
        const candidates = repoPathCandidates(workspace, file);
        p = candidates.length === 1 ? candidates[0]! : (candidates.find((c) => existsSync(path.join(dir, c))) ?? candidates[0] ?? file);
        cache.set(file, p);
      }
      return p;
    };
    // Resolve every own file now: the overlay folder is gone once this returns.
    for (const f of image.ownFiles) repoPath(f);
    return { image, repoPath };
  } finally {
    await tree.dispose();
  }
}
