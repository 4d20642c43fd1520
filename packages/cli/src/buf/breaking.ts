import { ProtoshipError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";
import { moduleOf, type BufWorkspace } from "./buf-config.js";
import { BUF_FINDINGS, bufFailure } from "./buf-failure.js";
import { breakingFileOf, parseDiagnostics, type BufDiagnostic } from "./diagnostics.js";
import { moduleRelative } from "./module-paths.js";
import { bufPathArgs } from "./path-args.js";
import { runBuf } from "./run-buf.js";

/** The files `buf breaking` compares under one set of rules: those of the modules that share them. */
export interface RuleGroup {
  /** A buf.yaml `breaking` section (buf's default, FILE, when empty). */
  rules: Record<string, unknown>;
  /** The files, by module-relative name (as images name them), each with its repository path. */
  files: Map<string, string>;
}

/**
 * Groups repository files (of either side) by the breaking rules of the module holding each in
 * `workspace`; files outside every module are left out. Modules with equal rules share a group.
 */
export function ruleGroups(workspace: BufWorkspace, repoFiles: Iterable<string>): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const file of repoFiles) {
    const module = moduleOf(workspace, file);
    if (!module) continue;
    const key = JSON.stringify(module.breaking);
    let group = groups.get(key);
    if (!group) {
      group = { rules: module.breaking, files: new Map() };
      groups.set(key, group);
    }
    if (!group.files.has(moduleRelative(module, file))) group.files.set(moduleRelative(module, file), file);
  }
  return [...groups.values()];
}

/** A breaking finding: buf's diagnostic, the module-relative file it is about, and that file's repository path when known. */
export interface BreakingDiagnostic {
  diagnostic: BufDiagnostic;
  /** Module-relative (see {@link breakingFileOf}); "" when buf named no file. */
  file: string;
  /** The repository path of `file` in the group it was found in; undefined when the group does not list it. */
  repoPath: string | undefined;
}

/**
 * `buf breaking` of the image file `head` against the image file `base`, imports excluded, each
 * file under the rules of its module (`groups`, see {@link ruleGroups}): when every group shares
 * one set of rules (the usual case) that is one buf run over the whole images, exactly as before;
 * otherwise one run per set of rules, limited by `--path` to its files (either side's, so a
 * deleted file is still reported). buf refusing to run is thrown as {@link bufFailure}.
 */
export async function breaking(head: string, base: string, groups: readonly RuleGroup[], cwd: string): Promise<BreakingDiagnostic[]> {
  const runs =
    groups.length <= 1 ? [{ group: groups[0], paths: [] as string[] }] : groups.map((g) => ({ group: g, paths: [...g.files.keys()] }));
  const found = await Promise.all(
    runs.map(async ({ group, paths }) => {
      const config = JSON.stringify({ version: "v2", breaking: group?.rules ?? {} });
      const args = ["breaking", head, "--against", base, "--exclude-imports", "--config", config, "--error-format", "json"];
      const result = await runBuf([...args, ...bufPathArgs(paths)], { cwd });
      if (result.code !== 0 && result.code !== BUF_FINDINGS) {
        throw bufFailure("buf breaking", result.stderr.trim() ? result : { ...result, stderr: result.stdout });
      }
      const diagnostics = parseDiagnostics(result.stdout);
      if (result.code === BUF_FINDINGS && diagnostics.length === 0) {
        throw new ProtoshipError(`buf breaking failed: ${outputMessage(result.stderr, "exit 100 without findings")}`);
      }
      return diagnostics.map((diagnostic) => {
        const file = breakingFileOf(diagnostic);
        return { diagnostic, file, repoPath: group?.files.get(file) };
      });
    }),
  );
  return found.flat();
}
