import { pack } from "tar-stream";
import type { BufWorkspace } from "../buf/buf-config.js";
import { repoPathCandidates, workspacePathOf } from "../buf/module-paths.js";
import type { GitRepo } from "../git/git.js";
import { loadArchiveImage, type SchemaImage } from "../schema/load-image.js";
import { listCommitFiles } from "./commit-tree.js";
import { readObjects } from "./git-objects.js";
import { SCHEMA_PATHSPECS } from "./schema-inputs.js";

/** The schema at one commit, and how to turn its module-relative file names into repository paths. */
export interface RevisionImage {
  image: SchemaImage;
  /** buf.yaml as it is at that commit. */
  workspace: BufWorkspace;
  repoPath(moduleFile: string): string;
}

/**
 * Compiles the schema as it is at `commit`, from git objects only: the commit's .proto and buf
 * files are read by blob id and handed to buf as a tar archive on stdin, so nothing is written to
 * disk and nothing of the working tree (ignored, untracked or modified files) is ever read.
 * Symlinks are left out, as buf leaves them out of a folder. `workspace` is the commit's buf
 * workspace (read by the caller). With `paths` (repository paths), only those files and their
 * imports are compiled (see loadArchiveImage).
 */
export async function compileRevision(
  repo: GitRepo,
  commit: string,
  workspace: BufWorkspace,
  paths?: readonly string[],
): Promise<RevisionImage> {
  const listed = await listCommitFiles(repo, commit, [...SCHEMA_PATHSPECS, `:(literal)${workspace.configFile}`]);
  const files = listed.filter((f) => f.mode !== "120000");
  const archive = await tarOf(
    files,
    await readObjects(
      repo,
      files.map((f) => f.blob),
    ),
  );
  const image = await loadArchiveImage(archive, {
    ...(workspace.dir ? { workspaceDir: workspace.dir } : {}),
    ...(paths ? { paths: paths.map((p) => workspacePathOf(workspace.dir, p)) } : {}),
  });
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

/** A tar archive of `files` (repository paths) with their blobs' bytes. */
async function tarOf(files: readonly { path: string; blob: string }[], blobs: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => archive.on("end", resolve).on("error", reject));
  for (const f of files) archive.entry({ name: f.path, mode: 0o644 }, blobs.get(f.blob)!);
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
