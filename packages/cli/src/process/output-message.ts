/**
 * The whole message a program printed (usually its stderr) as one line: every non-empty line,
 * trimmed and joined, so a multi-line cause such as buf's
 * `decode buf.yaml: yaml: unmarshal errors:` / `  line 4: field bogus not found` is kept entire.
 * `fallback` is used when it printed nothing.
 *
 * @example outputMessage("Failure: a:\n  line 4: b\n", "exit 1") // "Failure: a: line 4: b"
 */
export function outputMessage(output: string | Buffer, fallback: string): string {
  const lines = output
    .toString()
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return fallback;
  return lines.reduce((joined, line) => `${joined}${/[:;,]$/.test(joined) ? " " : "; "}${line}`);
}
