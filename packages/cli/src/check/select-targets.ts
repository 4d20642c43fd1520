import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import type { FileChange } from "../git/diff.js";
import type { ProtoFile, SideTree } from "../snapshot/file-set.js";
import { isSchemaPath } from "../snapshot/schema-inputs.js";

/**
 * What the gate checks for one comparison, decided by {@link selectTargets} (from both sides'
 * file sets) or {@link selectLinkFreeTargets} (from the changed paths alone, when neither side
 * holds a symlink). `full` means buf's configuration changed, so every file of every module is checked.
 */
export interface Targets {
  full: boolean;
  /** Changed .proto files present on the checked side (linted, format-checked, breaking "head"). */
  headFiles: string[];
  /** Changed .proto files present at the base (breaking "against"): modified, deleted, renamed. */
  baseFiles: string[];
}

/**
 * Chooses the targets from the changed paths (git's, no symlink followed) and the .proto files buf
 * compiles on each side (Snapshot.listProtoFiles): a file buf sees changed when the file holding
 * its bytes changed, when a symlink on its way leads elsewhere, or when only one side has it. So a
 * change behind a symlink is a change to every module path that reaches it. Undefined when
 * nothing relevant changed.
 */
export function selectTargets(
  workspace: BufWorkspace,
  changes: readonly FileChange[],
  base: readonly ProtoFile[],
  head: readonly ProtoFile[],
): Targets | undefined {
  const full = changes.some((c) => workspace.configFiles.includes(c.path));
  const changed = new Set(changes.map((c) => c.path));
  const sourceAt = (files: readonly ProtoFile[]) => new Map(files.map((f) => [f.path, f.source]));
  const baseSources = sourceAt(base);
  const headSources = sourceAt(head);
  const differs = (file: ProtoFile, other: ReadonlyMap<string, string>): boolean =>
    changed.has(file.source) || other.get(file.path) !== file.source;
  const headFiles = head.filter((f) => differs(f, baseSources)).map((f) => f.path);
  const baseFiles = base.filter((f) => differs(f, headSources)).map((f) => f.path);
  if (!full && headFiles.length === 0 && baseFiles.length === 0) return undefined;
  return { full, headFiles: headFiles.sort(), baseFiles: baseFiles.sort() };
}

/**
 * {@link selectTargets} for two sides that hold no symlink, without listing their .proto files:
 * every file is at its own path on both sides, so a file is a target exactly when its path
 * changed (a file only one side has is an added or deleted path) and that side's tree holds it
 * as a .proto of a module. Only the changed paths are looked at. Undefined when nothing
 * relevant changed.
 */
export function selectLinkFreeTargets(
  workspace: BufWorkspace,
  changes: readonly FileChange[],
  base: SideTree | undefined,
  head: SideTree,
): Targets | undefined {
  const full = changes.some((c) => workspace.configFiles.includes(c.path));
  const changed = [...new Set(changes.map((c) => c.path))].filter((p) => p.endsWith(".proto") && moduleOf(workspace, p));
  const headFiles = changed.filter((p) => head.entry(p)).sort();
  const baseFiles = base ? changed.filter((p) => base.entry(p)).sort() : [];
  if (!full && headFiles.length === 0 && baseFiles.length === 0) return undefined;
  return { full, headFiles, baseFiles };
}

/** Whether a changed path can change what buf compiles: a .proto, a buf configuration file, or a symlink. */
export function isSchemaChange(change: FileChange): boolean {
  return change.link === true || isSchemaPath(change.path);
}
