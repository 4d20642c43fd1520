/**
 * The one reader of buf's JSON diagnostics (`--error-format json`): lint and breaking findings
 * and compile errors, one JSON object a line (buf lint and breaking print them on stdout, buf
 * build on stderr). Pure: text in, data out.
 */

/** One diagnostic as buf prints it. Every field may be missing (FILE_NO_DELETE has no path). */
export interface BufDiagnostic {
  path?: string;
  start_line?: number;
  start_column?: number;
  end_line?: number;
  end_column?: number;
  /** The rule (`FIELD_SAME_NAME`…) or `COMPILE`. */
  type?: string;
  message?: string;
}

/** The diagnostics in buf's output: every line that is a JSON object, in order; other lines are skipped. */
export function parseDiagnostics(output: string): BufDiagnostic[] {
  const found: BufDiagnostic[] = [];
  for (const line of output.split("\n")) {
    const diagnostic = parseDiagnosticLine(line);
    if (diagnostic) found.push(diagnostic);
  }
  return found;
}

/** One line of buf's output read as a diagnostic, or undefined when it is not a JSON object. */
function parseDiagnosticLine(line: string): BufDiagnostic | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as BufDiagnostic) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A diagnostic as one line, `file:line:col: message (TYPE)`.
 *
 * @example describeDiagnostic({ path: "a.proto", start_line: 3, start_column: 1, message: "syntax error", type: "COMPILE" }); // "a.proto:3:1: syntax error (COMPILE)"
 */
export function describeDiagnostic(d: BufDiagnostic): string {
  const where = `${d.path ?? "?"}:${d.start_line ?? 0}:${d.start_column ?? 0}`;
  return `${where}: ${d.message ?? "does not compile"}${d.type ? ` (${d.type})` : ""}`;
}

/**
 * buf's first complaint in `output` as one line: the first diagnostic described, or, when buf
 * printed no JSON (a plain `Failure: …`), its first non-blank line; `fallback` when it printed nothing.
 */
export function firstComplaint(output: string, fallback: string): string {
  const first = parseDiagnostics(output)[0];
  if (first) return describeDiagnostic(first);
  return (
    output
      .split("\n")
      .find((l) => l.trim())
      ?.trim() ?? fallback
  );
}

/**
 * The module-relative file a breaking diagnostic is about: its path, or, for FILE_NO_DELETE
 * (which buf reports without a path), the file named in its message, quoted as Go quotes strings.
 */
export function breakingFileOf(d: BufDiagnostic): string {
  if (d.path) return d.path;
  const quoted = /file ("(?:[^"\\]|\\.)*")/.exec(d.message ?? "")?.[1];
  if (!quoted) return "";
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
