import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import type { FileChange } from "../git/diff.js";

/**
 * What the gate checks for one comparison — the single place that decides which files are
 * checked. `full` means buf's configuration changed, so every file of every module is checked.
 */
export interface Targets {
  full: boolean;
  /** Changed .proto files present on the checked side (linted, format-checked, breaking "head"). */
  headFiles: string[];
  /** Changed .proto files present at the base (breaking "against"): modified, deleted, renamed. */
  baseFiles: string[];
}

/** Chooses the targets from the changed paths; undefined when nothing relevant changed. */
export function selectTargets(workspace: BufWorkspace, changes: readonly FileChange[]): Targets | undefined {
  const full = changes.some((c) => workspace.configFiles.includes(c.path));
  const protos = changes.filter((c) => c.path.endsWith(".proto") && moduleOf(workspace, c.path));
  if (!full && protos.length === 0) return undefined;
  return {
    full,
    headFiles: protos
      .filter((c) => c.status !== "D")
      .map((c) => c.path)
      .sort(),
    baseFiles: protos
      .filter((c) => c.status !== "A")
      .map((c) => c.path)
      .sort(),
  };
}
