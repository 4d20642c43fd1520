/** The step of `protoship check` that produced a finding. */
export type Step = "format" | "lint" | "breaking";

/** One problem in one file, with buf's own rule id and message. */
export interface Finding {
  step: Step;
  /** Repository-relative path. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** buf's rule id (e.g. FIELD_SAME_TYPE, COMPILE), or FORMAT for buf format differences. */
  rule: string;
  /** buf's message, unchanged. */
  message: string;
}

/** Orders findings by file, then position, then rule, so every output is deterministic. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
