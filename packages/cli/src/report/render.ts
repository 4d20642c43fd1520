import pc from "picocolors";
import { sortFindings, type Finding } from "./finding.js";

/** Output formats of `protoship check`. */
export type OutputFormat = "text" | "json" | "github-actions";

/** What a check run looked at, for the summary. */
export interface CheckSummary {
  findings: Finding[];
  /** Files that were checked, repository-relative (every file of the modules when buf's configuration changed). */
  checkedFiles: string[];
  /** What was compared, e.g. "HEAD~1..worktree". */
  comparisons: string[];
  /** buf's configuration changed in a comparison, so every .proto file of its modules was checked. */
  bufConfigChanged?: boolean;
  /** Files `check --fix` rewrote, repository-relative. */
  fixed?: string[];
}

/** Renders findings and a one-line summary in the chosen format. */
export function render(summary: CheckSummary, format: OutputFormat): string {
  const findings = sortFindings(summary.findings);
  if (format === "json") {
    const fixed = summary.fixed ? { fixed: [...summary.fixed].sort() } : {};
    return `${JSON.stringify({ findings, checkedFiles: summary.checkedFiles, comparisons: summary.comparisons, ...fixed }, null, 2)}\n`;
  }
  const fixedLines = [...(summary.fixed ?? [])]
    .sort()
    .map((f) => `fixed ${displayPath(f)} (formatted as \`buf format\` writes it)\n`)
    .join("");
  if (format === "github-actions") {
    return fixedLines + findings.map(githubAnnotation).join("") + `${summaryLine(summary)}\n`;
  }
  let out = fixedLines;
  let file: string | undefined;
  for (const f of findings) {
    if (f.file !== file) {
      file = f.file;
      out += `${out ? "\n" : ""}${pc.underline(displayPath(f.file))}\n`;
    }
    out += `${displayPath(f.file)}:${f.line}:${f.column}: ${f.message} ${pc.dim(`(${f.rule})`)}\n`;
  }
  return `${out}${out ? "\n" : ""}${summaryLine(summary, true)}\n`;
}

/** A file name as printed: quoted like a JSON string when it holds control characters (a newline could forge a line). */
function displayPath(file: string): string {
  return /[\u0000-\u001f\u007f]/.test(file) ? JSON.stringify(file) : file;
}

function summaryLine(summary: CheckSummary, color = false): string {
  const n = summary.findings.length;
  const files = new Set(summary.findings.map((f) => f.file)).size;
  const count = summary.checkedFiles.length;
  const counted = `${count} .proto file${count === 1 ? "" : "s"} checked`;
  const checked = summary.bufConfigChanged ? `${count > 1 ? "all " : ""}${counted} (buf configuration changed)` : counted;
  if (n === 0) {
    const text = summary.checkedFiles.length ? `✔ ${checked}, no findings` : "✔ no .proto changes to check";
    return color ? pc.green(text) : text;
  }
  const bySteps = (["breaking", "lint", "format"] as const)
    .map((s) => [s, summary.findings.filter((f) => f.step === s).length] as const)
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`)
    .join(", ");
  const text = `✖ ${n} finding${n === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"} (${bySteps}); ${checked}`;
  return color ? pc.red(text) : text;
}

/** A workflow command; see GitHub's docs on escaping data and properties. */
function githubAnnotation(f: Finding): string {
  const prop = (s: string): string =>
    s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
  const data = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const level = f.step === "format" ? "warning" : "error";
  const end = f.endLine ? `,endLine=${f.endLine}` : "";
  const endCol = f.endColumn && f.endLine === f.line ? `,endColumn=${f.endColumn}` : "";
  return `::${level} file=${prop(f.file)},line=${f.line}${end},col=${f.column}${endCol},title=${prop(`${f.rule} (buf ${f.step})`)}::${data(f.message)}\n`;
}
