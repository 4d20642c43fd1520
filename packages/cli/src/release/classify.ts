import type { BreakingFinding } from "./breaking.js";
import type { SchemaDiffEntry } from "./schema-diff.js";
import type { Severity } from "./version-rules.js";

/**
 * How a change affects users of the generated code:
 * - breaking: buf breaking reports it under buf.yaml's rules (major; minor at 0.x);
 * - additive: something new (minor; patch at 0.x);
 * - change: a change to generated code that the configured rules accept, e.g. a rename under
 *   WIRE rules, or an option (minor; patch at 0.x);
 * - comment: documentation only (patch);
 * - dependency: an imported unit moved to a version the old dependency range excludes (patch).
 */
export type ChangeKind = "breaking" | "additive" | "change" | "comment" | "dependency";

/** One changelog line of a unit. */
export interface SchemaChange {
  kind: ChangeKind;
  message: string;
  /** Repository-relative file. */
  file: string;
  /** 1-based line, when known. */
  line: number | null;
}

const ORDER: Record<ChangeKind, number> = { breaking: 0, additive: 1, change: 2, dependency: 3, comment: 4 };

/**
 * Joins the descriptor diff with buf's findings. A diff entry that a finding is about becomes
 * breaking (with the finding's position); findings no entry explains are listed with buf's own
 * words; the rest keeps its category. Findings are matched by file and the quoted names buf
 * uses (`Previously present RPC "Legacy" on service "ProbeService" was deleted.`).
 */
export function classifyChanges(
  entries: readonly SchemaDiffEntry[],
  findings: readonly BreakingFinding[],
  repoPath: (moduleFile: string) => string,
): SchemaChange[] {
  const unused = new Set(findings);
  const changes: SchemaChange[] = [];
  for (const entry of entries) {
    if (entry.category === "comment") {
      changes.push({ kind: "comment", message: entry.message, file: repoPath(entry.file), line: entry.line });
      continue;
    }
    const matched = findings.filter((f) => explains(f, entry));
    if (matched.length > 0) {
      for (const f of matched) unused.delete(f);
      changes.push({
        kind: "breaking",
        message: `${entry.message} (breaking)`,
        file: repoPath(matched[0]!.file || entry.file),
        line: matched[0]!.line ?? entry.line,
      });
    } else {
      changes.push({
        kind: entry.category === "added" ? "additive" : "change",
        message: entry.message,
        file: repoPath(entry.file),
        line: entry.line,
      });
    }
  }
  for (const f of unused) {
    changes.push({
      kind: "breaking",
      message: `${f.message.replace(/\.$/, "")} (breaking, ${f.rule})`,
      file: repoPath(f.file),
      line: f.line,
    });
  }
  return sortChanges(changes);
}

/** Sorts changes most severe first, then by file and line. */
export function sortChanges(changes: SchemaChange[]): SchemaChange[] {
  return changes.sort(
    (a, b) =>
      ORDER[a.kind] - ORDER[b.kind] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.message.localeCompare(b.message),
  );
}

/** The most severe change decides the release. */
export function severityOf(changes: readonly SchemaChange[]): Severity {
  if (changes.some((c) => c.kind === "breaking")) return "breaking";
  if (changes.some((c) => c.kind === "additive" || c.kind === "change")) return "minor";
  if (changes.length > 0) return "patch";
  return "none";
}

function explains(finding: BreakingFinding, entry: SchemaDiffEntry): boolean {
  const el = entry.element;
  if (finding.file !== entry.file && finding.file !== el.file && finding.file !== entry.oldFile) return false;
  if (el.kind === "file") return finding.rule.startsWith("FILE_") && (finding.message.includes(`"${el.name}"`) || finding.file === el.file);
  const quoted = (s: string): boolean => finding.message.includes(`"${s}"`);
  if (!el.tokens.some(quoted)) return false;
  return el.parentToken === undefined || quoted(el.parentToken);
}
