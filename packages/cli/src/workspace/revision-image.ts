import { existsSync } from "node:fs";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import { repoPathCandidates } from "../buf/module-paths.js";
import type { GitRepo } from "../git/git.js";
import { loadImage, type SchemaImage } from "../schema/load-image.js";
import { materializeCommit } from "./commit-tree.js";
import { SCHEMA_PATHSPECS } from "./schema-inputs.js";

/** The schema at one commit, and how to turn its module-relative file names into repository paths. */
export interface RevisionImage {
  image: SchemaImage;
  /** buf.yaml as it is at that commit. */
  workspace: BufWorkspace;
  repoPath(moduleFile: string): string;
}

/**
 * Compiles the schema as it is at `commit`, from git objects only (the .proto and buf files of
 * the commit, written to a temporary folder): ignored, untracked or modified files in the working
 * tree never count. `workspace` is the commit's buf workspace (read by the caller).
 */
export async function compileRevision(repo: GitRepo, commit: string, workspace: BufWorkspace): Promise<RevisionImage> {
  const tree = await materializeCommit(repo, commit, [...SCHEMA_PATHSPECS, `:(literal)${workspace.configFile}`]);
  try {
    const image = await loadImage(tree.dir, workspace.dir ? { workspaceDir: workspace.dir } : {});
    const dir = tree.dir;
    const cache = new Map<string, string>();
    // Image file names are relative to their module; with several modules, the one holding the
    // file at this revision is the one it came from.
    const repoPath = (file: string): string => {
      let p = cache.get(file);
      if (p === undefined) {
        const candidates = repoPathCandidates(workspace, file);
        p = (candidates.length > 1 ? candidates.find((c) => existsSync(path.join(dir, c))) : undefined) ?? candidates[0] ?? file;
        cache.set(file, p);
      }
      return p;
    };
    // Resolve every own file now: the folder is gone once this returns.
    for (const f of image.ownFiles) repoPath(f);
    return { image, workspace, repoPath };
  } finally {
    await tree.dispose();
  }
}
