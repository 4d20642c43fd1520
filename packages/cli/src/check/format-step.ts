import { readFile } from "node:fs/promises";
import path from "node:path";
import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import { moduleRelative } from "../buf/module-paths.js";
import { bufFailure } from "../buf/buf-failure.js";
import { parseFormatDiff, type FormatDifference } from "../buf/parse-findings.js";
import { bufPathArgs } from "../buf/path-args.js";
import { runBuf, type BufResult } from "../buf/run-buf.js";
import type { Finding } from "../report/finding.js";
import { replaceFile, whyNotReplaceable } from "../fs/replace-file.js";
import { makeTempDir } from "../fs/temp-dir.js";

/** What the format step works on. */
export interface FormatInputs {
  workspace: BufWorkspace;
  /** Folder of the buf workspace on the checked side (the repository's, or an overlay's). */
  cwd: string;
  /** Workspace-relative paths to check, or undefined for every file. */
  files: readonly string[] | undefined;
  /** Maps a workspace-relative path to a repository-relative one. */
  toRepoPath: (p: string) => string;
  /** The working tree, when files may be rewritten there (--fix). */
  fixIn: string | undefined;
  /** The working tree, to tell which files --fix could not rewrite (checked sides only). */
  worktree: string;
  /** Told the repository path of each file --fix rewrote. */
  onFixed?: (file: string) => void;
}

/**
 * buf format as a check (a FORMAT finding per file that differs) or, with `fixIn`, as a fix.
 * A fix rewrites a file only from complete output that was verified first (non-empty when the
 * file is not, and parsing again as stable), atomically, and never through a symlink; any file
 * that cannot be fixed so stays a finding that says why, and no finding suggests `--fix` for it.
 */
export async function runFormat(inputs: FormatInputs): Promise<Finding[]> {
  const diff = await runBuf(["format", "-d", ...bufPathArgs(inputs.files ?? [])], { cwd: inputs.cwd });
  if (diff.code !== 0 && diff.code !== 100) return compileOrFail(diff);
  const differences = parseFormatDiff(diff.stdout, inputs.files ?? []);
  const findings: Finding[] = [];
  const fixable: { file: string; difference: FormatDifference }[] = [];
  await Promise.all(
    differences.map(async (difference) => {
      const file = inputs.toRepoPath(difference.path);
      const why = difference.emptied
        ? "buf format cannot read it (is it valid UTF-8?): fix it by hand"
        : await whyNotReplaceable(inputs.worktree, file);
      if (why || !inputs.fixIn) findings.push(formatFinding(file, difference, why));
      else fixable.push({ file, difference });
    }),
  );
  if (inputs.fixIn && fixable.length > 0) findings.push(...(await fix(inputs, inputs.fixIn, fixable)));
  return findings;
}

function formatFinding(file: string, d: FormatDifference, unfixable?: string): Finding {
  const places = `${d.hunks} place${d.hunks === 1 ? "" : "s"}`;
  const message = unfixable
    ? `file is not formatted as \`buf format\` would write it (${places}), and protoship cannot rewrite it: ${unfixable}`
    : `file is not formatted as \`buf format\` would write it (${places}; fix with protoship check --fix)`;
  return { step: "format", file, line: d.line, column: 1, rule: "FORMAT", message };
}

/**
 * Formats the files into a scratch folder, verifies the output, and only then replaces each file.
 * Returns findings for the files that were left alone.
 */
async function fix(inputs: FormatInputs, root: string, files: { file: string; difference: FormatDifference }[]): Promise<Finding[]> {
  const scratch = await makeTempDir("protoship-format-");
  const out = scratch.dir;
  try {
    const written = await runBuf(["format", "-o", out, ...bufPathArgs(files.map((f) => f.difference.path))], { cwd: inputs.cwd });
    if (written.code !== 0) return compileOrFail(written);
    // buf writes the files under their module-relative paths; format them once more: a file that
    // does not parse fails here, and a stable one comes out unchanged.
    const again = await runBuf(["format", "-d", "--exit-code", out], { cwd: out });
    const unstable = again.code === 0 ? new Set<string>() : new Set(parseFormatDiff(again.stdout).map((d) => d.path));
    if (again.code !== 0 && again.code !== 100) {
      throw bufFailure("buf format (its output parsed again)", again);
    }
    const left: Finding[] = [];
    for (const { file, difference } of files) {
      const module = moduleOf(inputs.workspace, file);
      const rel = module ? moduleRelative(module, file) : file;
      const target = path.join(root, ...file.split("/"));
      const [content, original] = await Promise.all([readFile(path.join(out, ...rel.split("/"))).catch(() => undefined), readFile(target)]);
      const why =
        content === undefined
          ? "buf format wrote no output for it"
          : content.length === 0 && original.length > 0
            ? "buf format's output for it is empty"
            : !isUtf8(content)
              ? "buf format's output for it is not valid UTF-8"
              : unstable.has(rel)
                ? "buf format's output for it is not stable"
                : await whyNotReplaceable(root, file);
      if (why) left.push(formatFinding(file, difference, why));
      else {
        await replaceFile(target, content!);
        inputs.onFixed?.(file);
      }
    }
    return left;
  } finally {
    await scratch.dispose();
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function compileOrFail(result: BufResult): Finding[] {
  // buf format refuses files that do not parse; lint reports those as COMPILE findings already.
  if (/^.+?:\d+:\d+:/m.test(result.stderr)) return [];
  throw bufFailure("buf format", result);
}
