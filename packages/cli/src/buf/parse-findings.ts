import { ProtoshipError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";
import { BUF_FINDINGS, bufFailure } from "./buf-failure.js";
import type { Finding, Step } from "../report/finding.js";
import { parseDiagnostics, type BufDiagnostic } from "./diagnostics.js";
import type { BufResult } from "./run-buf.js";

/**
 * Turns `buf lint|breaking --error-format json` output into findings. Exit 0 means clean and 100
 * means findings; anything else is buf refusing to run, reported by {@link bufFailure} with buf's
 * whole message.
 */
export function parseBufFindings(
  result: BufResult,
  step: Step,
  mapPath: (bufPath: string | undefined, f: BufDiagnostic) => string,
): Finding[] {
  if (result.code !== 0 && result.code !== BUF_FINDINGS) {
    throw bufFailure(`buf ${step}`, result.stderr.trim() ? result : { ...result, stderr: result.stdout });
  }
  const findings = parseDiagnostics(result.stdout).map((f) => toFinding(f, step, mapPath(f.path, f)));
  if (result.code === BUF_FINDINGS && findings.length === 0) {
    throw new ProtoshipError(`buf ${step} failed: ${outputMessage(result.stderr, "exit 100 without findings")}`);
  }
  return findings;
}

/** A diagnostic of buf `step` as a finding about the repository file `file`. */
export function toFinding(f: BufDiagnostic, step: Step, file: string): Finding {
  return {
    step,
    file,
    line: f.start_line ?? 1,
    column: f.start_column ?? 1,
    ...(f.end_line ? { endLine: f.end_line } : {}),
    ...(f.end_column ? { endColumn: f.end_column } : {}),
    rule: f.type ?? "UNKNOWN",
    message: f.message ?? "",
  };
}

/** One file `buf format -d` would change. */
export interface FormatDifference {
  /** The path as buf printed it (relative to the buf workspace). */
  path: string;
  /** First line that differs, in the file as written. */
  line: number;
  /** How many places differ. */
  hunks: number;
  /** buf's output for the file is empty although the file is not (buf could not read it: invalid UTF-8). */
  emptied: boolean;
}

/**
 * Parses `buf format -d` output (a unified diff per file). The diff's headers print names as they
 * are, so a name holding a newline or a tab cannot be split off by lines alone: `names`, the paths
 * buf was given, are recognised whole first.
 */
export function parseFormatDiff(diff: string, names: readonly string[] = []): FormatDifference[] {
  const awkward = names.filter((n) => /[\n\r\t]/.test(n));
  const token = (i: number): string => `\u0000${i}\u0000`;
  let text = diff;
  for (const [i, name] of awkward.entries()) text = text.replaceAll(name, token(i));
  const restore = (p: string): string => p.replace(/\u0000(\d+)\u0000/g, (_, i: string) => awkward[Number(i)]!);

  const found: FormatDifference[] = [];
  let current: FormatDifference | undefined;
  let oldLine = 0;
  let seekingFirstChange = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("--- ")) {
      current = {
        path: restore(
          line
            .slice(4)
            .split("\t")[0]!
            .replace(/\.orig$/, ""),
        ),
        line: 1,
        hunks: 0,
        emptied: false,
      };
      found.push(current);
      continue;
    }
    if (line.startsWith("+++ ") || line.startsWith("diff ") || !current) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(,\d+)? @@/.exec(line);
    if (hunk) {
      current.hunks++;
      if (hunk[2] === ",0") current.emptied = true;
      oldLine = Number(hunk[1]);
      seekingFirstChange = current.hunks === 1;
      continue;
    }
    if (!seekingFirstChange) continue;
    if (line.startsWith("-") || line.startsWith("+")) {
      current.line = Math.max(oldLine, 1);
      seekingFirstChange = false;
    } else if (line.startsWith(" ")) {
      oldLine++;
    }
  }
  return found;
}
