import path from "node:path";
import { listModuleFiles } from "../buf/ls-files.js";
import type { Side } from "../git/diff.js";
import type { GitRepo } from "../git/git.js";
import type { Finding } from "../report/finding.js";
import { materialize, type RevisionTree } from "../snapshot/revision-tree.js";
import { SCHEMA_PATHSPECS } from "../snapshot/schema-inputs.js";
import { borrowedBufConfig } from "./base-config.js";
import { baseImageKey, readBaseImage, writeBaseImage } from "./base-image-cache.js";
import type { ComparisonInputs } from "./gather-comparison.js";
import type { ComparisonPlan } from "./plan-comparison.js";
import { startEarly } from "./repo-reads.js";
import { baseBuildArgs, runSteps } from "./run-steps.js";

/** What checking one comparison found, and the files it checked. */
export interface ComparisonOutcome {
  findings: Finding[];
  checked: readonly string[];
}

/**
 * Materialises both sides of a comparison for buf (overlays of the working tree, removed at the
 * end) and runs the plan's steps on them. The base's image comes from the cache when an earlier
 * check built it from the same inputs (check/base-image-cache.ts): then the base is neither
 * materialised nor built; a base built here is cached. With `fix`, unformatted files are rewritten in the
 * working tree and each is told to `onFixed`.
 */
export async function applyComparison(
  repo: GitRepo,
  inputs: ComparisonInputs,
  plan: ComparisonPlan,
  fix: boolean,
  onFixed: (file: string) => void,
): Promise<ComparisonOutcome> {
  const { comparison, workspace: ws, headSnapshot, baseSnapshot } = inputs;
  // Unlisted (undefined) when neither side holds a symlink and buf's configuration did not change:
  // no file is reached through a link, and only the changed paths are checked.
  const headProtos = inputs.protoFiles?.head ?? [];
  const baseProtos = inputs.protoFiles?.base ?? [];
  const { targets, steps } = plan;
  // Both sides come from git (a commit, the index) or the working tree less its ignored files:
  // an ignored or untracked file never satisfies an import of a commit.
  const within = ws.modules.map(({ root, excludes }) => ({ root, excludes }));
  const worktreeLinks = inputs.worktreeTree.links().map((l) => l.path);
  const hide = { ignored: inputs.ignored, within, worktreeLinks };
  // The base overlay (blobs read from git, symlinks written) is built while buf already lints
  // the head: only `buf breaking` needs it.
  const headTree = startEarly(
    materialize(repo, comparison.head, SCHEMA_PATHSPECS, inputs.newFiles, inputs.headFromWorktree, {
      ...hide,
      files: headProtos,
      snapshot: headSnapshot,
    }),
  );
  let baseTree: Promise<RevisionTree> | undefined;
  let cachedBase: Buffer | undefined;
  let keepBase: ((image: Buffer) => void) | undefined;
  let baseKept: Promise<void> | undefined;
  // The base overlay is read by buf build alone: removed as soon as that is done, beside buf breaking.
  let baseRemoved: Promise<void> | undefined;
  const removeBase = (): Promise<void> =>
    (baseRemoved ??= (baseTree ?? Promise.resolve(undefined)).then(
      (tree) => tree?.dispose(),
      () => undefined,
    ));
  try {
    if (baseSnapshot) {
      // When buf's configuration changed the base may have other module roots (or none: the whole
      // repository), so every ignored entry is hidden from it.
      // A base without buf's configuration (before adoption) is read with HEAD's module roots.
      const borrowed = targets.full ? await borrowedBufConfig(ws, baseSnapshot, headSnapshot) : undefined;
      const baseHide = {
        ...hide,
        ...(targets.full ? { within: [{ root: "" }] } : {}),
        files: baseProtos,
        snapshot: baseSnapshot,
        ...(borrowed ? { borrowed } : {}),
      };
      const baseSide: Side = { kind: "commit", sha: comparison.base.sha };
      // Only what buf breaking reads is cached: the base's image of the base targets.
      const key =
        steps.has("breaking") && (targets.full || targets.baseFiles.length > 0)
          ? await baseImageKey({
              sha: comparison.base.sha,
              cwd: ws.dir,
              args: baseBuildArgs(ws, targets),
              hidden: { entries: [...hide.ignored, ...worktreeLinks], within: baseHide.within, baseTree: inputs.baseTree! },
              borrowed,
            })
          : undefined;
      cachedBase = key ? await readBaseImage(repo.root, key) : undefined;
      if (key) keepBase = (image) => void (baseKept = writeBaseImage(repo.root, key, image));
      // Awaited by runSteps.
      if (!cachedBase) {
        baseTree = startEarly(materialize(repo, baseSide, SCHEMA_PATHSPECS, inputs.newFiles, inputs.baseFromWorktree, baseHide));
      }
    }
    const head = await headTree;
    // buf's configuration changed: every file of every module is checked, and buf lists them.
    const all = targets.full ? startEarly(listModuleFiles(path.join(head.dir, ...ws.dir.split("/").filter(Boolean)), ws.dir)) : undefined;
    const findings = await runSteps({
      workspace: ws,
      targets,
      headDir: head.dir,
      baseDir: baseTree?.then((t) => t.dir),
      cachedBase,
      ...(keepBase ? { onBaseImage: keepBase } : {}),
      steps,
      worktree: repo.root,
      fix,
      onFixed,
      formatBaseline: new Set(inputs.config.check.formatBaseline),
      allFiles: targets.full ? [...headProtos, ...baseProtos].map((f) => f.path) : undefined,
      breakingFolder: plan.breakingFolder,
      onBaseBuilt: () => void startEarly(removeBase()),
    });
    return { findings, checked: (await all) ?? targets.headFiles };
  } finally {
    const [head] = await Promise.allSettled([headTree]);
    await Promise.all([head?.status === "fulfilled" ? head.value.dispose() : undefined, removeBase(), baseKept]);
  }
}
