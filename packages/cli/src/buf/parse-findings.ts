import { ProtoshipError } from "../errors.js";
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
 * means findings; anything else is buf refusing to run, reported as an environment/config error
 * with buf's own first line.
 */
export function parseBufFindings(result: BufResult, step: Step, mapPath: (bufPath: string | undefined, f: BufJsonFinding) => string): Finding[] {
  if (result.code !== 0 && result.code !== 100) {
    throw new ProtoshipError(`buf ${step} failed: ${firstLine(result.stderr) || firstLine(result.stdout) || `exit ${result.code}`}`);
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
  if (result.code === 100 && findings.length === 0) {
    throw new ProtoshipError(`buf ${step} failed: ${firstLine(result.stderr) || "exit 100 without findings"}`);
  }
  return findings;
}

/**
 * Turns `buf format -d` output (a unified diff per file) into one FORMAT finding per hunk, at the
 * first line that differs in the file as written.
 */
export function parseFormatDiff(diff: string, mapPath: (bufPath: string) => string): Finding[] {
  const findings: Finding[] = [];
  let file: string | undefined;
  let oldLine = 0;
  let reported = true;
  for (const line of diff.split("\n")) {
    if (line.startsWith("--- ")) {
      file = mapPath(line.slice(4).split("\t")[0]!.replace(/\.orig$/, ""));
      continue;
    }
    if (line.startsWith("+++ ") || line.startsWith("diff ")) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      reported = false;
      continue;
    }
    if (!file || reported) continue;
    if (line.startsWith("-") || line.startsWith("+")) {
      findings.push({ step: "format", file, line: Math.max(oldLine, 1), column: 1, rule: "FORMAT", message: "file is not formatted as `buf format` would write it (fix with protoship check --fix)" });
      reported = true;
    } else if (line.startsWith(" ")) {
      oldLine++;
    }
  }
  return findings;
}

function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
}
