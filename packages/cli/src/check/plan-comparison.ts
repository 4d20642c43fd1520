import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import { whyNotPassable } from "../buf/path-args.js";
import { ProtoshipError } from "../errors.js";
import type { Step } from "../report/finding.js";
import type { SideTree } from "../snapshot/file-set.js";
import type { ComparisonInputs } from "./gather-comparison.js";
import { selectLinkFreeTargets, selectTargets, type Targets } from "./select-targets.js";

/** What to check of one comparison: the files and the steps. */
export interface ComparisonPlan {
  targets: Targets;
  steps: ReadonlySet<Step>;
  /**
   * The module root (repository path) whose folder on the head side `buf breaking` may read in
   * place against the base's image ({@link breakingFolder}); undefined: both sides are images.
   */
  breakingFolder: string | undefined;
}

/**
 * Pure: the files to check of one comparison and the steps to run (protoship.yaml's less
 * `skip`); undefined when no changed file is one buf compiles. Throws for a change that can be
 * refused but never checked.
 */
export function planComparison(inputs: ComparisonInputs, skip: ReadonlySet<Step> | undefined): ComparisonPlan | undefined {
  const { workspace, changes } = inputs;
  refuseLinksOutside(workspace, changes, inputs.headTree);
  const { protoFiles } = inputs;
  const targets = protoFiles
    ? selectTargets(workspace, changes, protoFiles.base, protoFiles.head)
    : selectLinkFreeTargets(workspace, changes, inputs.baseTree, inputs.headTree);
  if (!targets) return undefined;
  refuseUnreadableNames(targets);
  const steps = new Set(inputs.config.check.steps.filter((s) => !skip?.has(s)));
  return { targets, steps, breakingFolder: breakingFolder(workspace, targets, inputs.headTree) };
}

/** buf's configuration files: one in a folder makes buf take that folder for the workspace (or module) it runs in. */
const BUF_CONFIG_NAMES = ["buf.yaml", "buf.work.yaml"];

/**
 * The module whose head folder `buf breaking` can compare with the base's image (built with
 * `--path` the base's targets), or undefined. buf applies the head's `--path` to that image too,
 * by the image's names (module-relative), and finds its workspace by walking up from the folder
 * it runs in. So: buf's configuration is unchanged; every target at the base is a target on the
 * head (else a deleted file would be filtered out, not reported); every target is in one module;
 * and from the workspace folder down to that module's root there is no symlink and no other buf
 * configuration file on the head side, so buf, run in the module's folder, finds buf.yaml's
 * workspace and names files as the image does.
 */
export function breakingFolder(workspace: BufWorkspace, targets: Targets, headTree: SideTree): string | undefined {
  if (targets.full || targets.headFiles.length === 0) return undefined;
  const onHead = new Set(targets.headFiles);
  if (!targets.baseFiles.every((f) => onHead.has(f))) return undefined;
  const modules = new Set(targets.headFiles.map((f) => moduleOf(workspace, f)));
  const [module] = modules;
  if (modules.size !== 1 || !module) return undefined;
  if (module.root === workspace.dir) return module.root;
  const prefix = workspace.dir ? `${workspace.dir}/` : "";
  if (!module.root.startsWith(prefix)) return undefined;
  let folder = workspace.dir;
  for (const part of module.root.slice(prefix.length).split("/")) {
    folder = folder ? `${folder}/${part}` : part;
    if (headTree.resolve(folder)?.real !== folder) return undefined;
    if (BUF_CONFIG_NAMES.some((name) => headTree.entry(`${folder}/${name}`))) return undefined;
  }
  return module.root;
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
