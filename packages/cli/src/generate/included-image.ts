import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import { moduleRelative, repoPathInModule, workspacePathOf } from "../buf/module-paths.js";
import type { SchemaImage } from "../schema/load-image.js";
import type { Snapshot } from "../snapshot/snapshot.js";

/** The proto package buf's PACKAGE_DIRECTORY_MATCH rule gives a module-relative file: its folder, dotted. */
export function folderPackage(moduleFile: string): string {
  const dir = path.posix.dirname(moduleFile);
  return dir === "." ? "" : dir.split("/").join(".");
}

/** The buf lint rule sets that hold PACKAGE_DIRECTORY_MATCH (v2's default is STANDARD, v1's DEFAULT). */
const SETS_WITH_RULE = ["MINIMAL", "BASIC", "STANDARD", "DEFAULT", "PACKAGE_DIRECTORY_MATCH"];

/**
 * Whether a module's lint section asks buf to hold every file in the folder its package names
 * (PACKAGE_DIRECTORY_MATCH, used and not excepted, no `ignore` paths, no `ignore_only` paths for it): the
 * promise the subset compile relies on, and checks on every file it compiles.
 */
export function lintPromisesPackageFolders(lint: Record<string, unknown>): boolean {
  const list = (key: string): unknown[] => (Array.isArray(lint[key]) ? (lint[key] as unknown[]) : []);
  const use = lint.use === undefined ? ["STANDARD"] : list("use");
  const only = typeof lint.ignore_only === "object" && lint.ignore_only !== null ? Object.keys(lint.ignore_only) : [];
  const ignored = list("ignore").length > 0 || only.some((rule) => SETS_WITH_RULE.includes(rule));
  return use.some((u) => SETS_WITH_RULE.includes(String(u))) && !list("except").includes("PACKAGE_DIRECTORY_MATCH") && !ignored;
}

/**
 * Whether a subset compiled from `candidates` is whole: every candidate declares the package its
 * folder names, and no other file of the module that was compiled (an import) declares a
 * selected package. Anything else means the folder rule does not hold here, and the module is
 * compiled whole instead.
 */
export function subsetHolds(
  image: SchemaImage,
  candidates: ReadonlySet<string>,
  moduleFiles: ReadonlySet<string>,
  selected: (protoPackage: string) => boolean,
): boolean {
  return image.files.every((f) =>
    candidates.has(f.name) ? f.package === folderPackage(f.name) : !moduleFiles.has(f.name) || !selected(f.package),
  );
}

/** What a run selects of the module, for {@link loadSelectedImage}. */
export interface ModuleSelection {
  /** Whether a proto package is selected (`stubs.include`, `--only`). */
  selected(protoPackage: string): boolean;
  /**
   * Whether the packages the candidate files' folders name are all that was asked for (each
   * `--only` name among them); when not, the module is compiled whole (an unknown name is then
   * reported against every package). Default: yes.
   */
  covers?(packages: ReadonlySet<string>): boolean;
}

/**
 * The image generate needs when `stubs.include` or `--only` selects part of the module: buf
 * compiles only the files whose folder names a selected package, and what they import (`buf
 * build --path`), instead of every file of the module. That relies on buf's folder rule (see
 * lintPromisesPackageFolders), which is then checked against what was compiled
 * ({@link subsetHolds}); the whole module is compiled (`subset: false`) when the rule is not
 * configured, the workspace has several modules, the folders do not cover what was asked for,
 * or the check fails. The image's `ownFiles` are the module's files that were compiled: the
 * selection and the module files it imports.
 */
export async function loadSelectedImage(
  workspace: BufWorkspace,
  snapshot: Snapshot,
  selection: ModuleSelection,
): Promise<{ image: SchemaImage; subset: boolean }> {
  const whole = async () => ({ image: await snapshot.image(workspace, { sourceInfo: "comments" }), subset: false });
  const module = workspace.modules[0];
  if (workspace.modules.length !== 1 || !module || !lintPromisesPackageFolders(module.lint)) return whole();
  // The module's files as the snapshot holds them (ignored files never), relative to the module.
  const files = (await snapshot.listProtoFiles(workspace)).map((f) => moduleRelative(module, f.path));
  const candidates = files.filter((f) => selection.selected(folderPackage(f)));
  if (!candidates.length || !(selection.covers?.(new Set(candidates.map(folderPackage))) ?? true)) return whole();
  const paths = candidates.map((f) => workspacePathOf(workspace.dir, repoPathInModule(module.root, f)));
  const image = await snapshot.image(workspace, { sourceInfo: "comments", paths });
  const moduleFiles = new Set(files);
  if (!subsetHolds(image, new Set(candidates), moduleFiles, selection.selected)) return whole();
  return { image: { ...image, ownFiles: new Set(image.files.filter((f) => moduleFiles.has(f.name)).map((f) => f.name)) }, subset: true };
}
