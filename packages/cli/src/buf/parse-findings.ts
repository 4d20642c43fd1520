import { ProtoshipError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";
import { BUF_FINDINGS, bufFailure } from "./buf-failure.js";
import type { Finding, Step } from "../report/finding.js";
import type { BufResult } from "./run-buf.js";

interface BufJsonFinding {
  path?: string;
  start_line?: number;
  start_column?: number;
  end_line?: number;
  end_column?: number;
  type?: string;
  message?: string;
}

/**
 * Turns `buf lint|breaking --error-format json` output into findings. Exit 0 means clean and 100
 * means findings; anything else is buf refusing to run, reported by {@link bufFailure} with buf's
 * whole message.
 */
export function parseBufFindings(result: BufResult, step: Step, mapPath: (bufPath: string | undefined, f: BufJsonFinding) => string): Finding[] {
  if (result.code !== 0 && result.code !== BUF_FINDINGS) {
    throw bufFailure(`buf ${step}`, result.stderr.trim() ? result : { ...result, stderr: result.stdout });
  }
  const findings: Finding[] = [];
  for (const line of result.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const f = JSON.parse(line) as BufJsonFinding;
    findings.push({
      step,
      file: mapPath(f.path, f),
      line: f.start_line ?? 1,
      column: f.start_column ?? 1,
      ...(f.end_line ? { endLine: f.end_line } : {}),
      ...(f.end_column ? { endColumn: f.end_column } : {}),
      rule: f.type ?? "UNKNOWN",
      message: f.message ?? "",
    });
  }
  if (result.code === BUF_FINDINGS && findings.length === 0) {
    throw new ProtoshipError(`buf ${step} failed: ${outputMessage(result.stderr, "exit 100 without findings")}`);
  }
  return findings;
}

/**
 * Turns `buf format -d` output (a unified diff per file) into one FORMAT finding per file, at the
 * first line that differs in the file as written, with the number of places that differ.
 */
export function parseFormatDiff(diff: string, mapPath: (bufPath: string) => string): Finding[] {
  const findings: Finding[] = [];
  let current: Finding | undefined;
  let hunks = 0;
  let oldLine = 0;
  const flush = (): void => {
    if (!current) return;
    current.message = `file is not formatted as \`buf format\` would write it (${hunks} place${hunks === 1 ? "" : "s"}; fix with protoship check --fix)`;
    findings.push(current);
    current = undefined;
  };
  let file: string | undefined;
  let seekingFirstChange = false;
  for (const line of diff.split("\n")) {
    if (line.startsWith("--- ")) {
      flush();
      file = mapPath(line.slice(4).split("\t")[0]!.replace(/\.orig$/, ""));
      hunks = 0;
      continue;
    }
    if (line.startsWith("+++ ") || line.startsWith("diff ")) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (hunk) {
      hunks++;
      oldLine = Number(hunk[1]);
      seekingFirstChange = current === undefined;
      continue;
    }
    if (!file || !seekingFirstChange) continue;
    if (line.startsWith("-") || line.startsWith("+")) {
      current = { step: "format", file, line: Math.max(oldLine, 1), column: 1, rule: "FORMAT", message: "" };
      seekingFirstChange = false;
    } else if (line.startsWith(" ")) {
      oldLine++;
    }
  }
  flush();
  return findings;
}
