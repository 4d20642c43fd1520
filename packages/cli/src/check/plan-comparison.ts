import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import { whyNotPassable } from "../buf/path-args.js";
import { ProtoshipError } from "../errors.js";
import type { Step } from "../report/finding.js";
import type { SideTree } from "../snapshot/file-set.js";
import type { ComparisonInputs } from "./gather-comparison.js";
import { selectTargets, type Targets } from "./select-targets.js";

/** What to check of one comparison: the files and the steps. */
export interface ComparisonPlan {
  targets: Targets;
  steps: ReadonlySet<Step>;
}

/**
 * Pure: the files to check of one comparison and the steps to run (protoship.yaml's less
 * `skip`); undefined when no changed file is one buf compiles. Throws for a change that can be
 * refused but never checked.
 */
export function planComparison(inputs: ComparisonInputs, skip: ReadonlySet<Step> | undefined): ComparisonPlan | undefined {
  const { workspace, changes } = inputs;
  refuseLinksOutside(workspace, changes, inputs.headTree);
  const targets = selectTargets(workspace, changes, inputs.baseProtos, inputs.headProtos);
  if (!targets) return undefined;
  refuseUnreadableNames(targets);
  return { targets, steps: new Set(inputs.config.check.steps.filter((s) => !skip?.has(s))) };
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
