import type { ReleasePlan } from "./plan.js";

/** The `release plan --json` document: exactly this shape, nothing internal. */
export function planJson(plan: ReleasePlan): string {
  const doc = {
    packages: plan.packages.map((p) => ({
      name: p.name,
      protoPackage: p.protoPackage,
      current: p.current,
      next: p.next,
      bump: p.bump,
      changes: p.changes.map((c) => ({ kind: c.kind, message: c.message, file: c.file, line: c.line })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The packages a plan shows a row for: those released or changed. The others (most of a large
 * API, on most changes) are summed up in one line ({@link unchangedLine}).
 */
function shownPackages(plan: ReleasePlan): ReleasePlan["packages"] {
  return plan.packages.filter((p) => p.bump !== "none" || p.changes.length > 0);
}

/** "… and 321 unchanged packages", or nothing when every package has a row. */
function unchangedLine(plan: ReleasePlan, shown: number): string[] {
  const rest = plan.packages.length - shown;
  if (rest === 0) return [];
  return [`${shown ? "… and " : ""}${rest} unchanged package${rest === 1 ? "" : "s"}`, ""];
}

/** A plain table of the packages to release for a terminal, then each package's changes; the unchanged ones are counted. */
export function planText(plan: ReleasePlan): string {
  const shown = shownPackages(plan);
  const rows = [
    ["package", "proto package", "current", "next", "bump"],
    ...shown.map((p) => [p.name, p.protoPackage, p.current ?? "-", p.next ?? "-", p.bump]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const table = shown.length ? [line(rows[0]!), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)] : [];
  const out = [...table, ...(table.length ? [""] : []), ...unchangedLine(plan, shown.length)];
  for (const p of plan.packages) {
    if (p.changes.length === 0) continue;
    out.push(`${p.name} ${p.current ?? "(unreleased)"} → ${p.next ?? "-"} (${p.bump})`);
    for (const c of p.changes) out.push(`  ${SYMBOL[c.kind]} ${c.message}  ${c.file}${c.line ? `:${c.line}` : ""}`);
    out.push("");
  }
  const kinds = new Set(plan.packages.flatMap((p) => p.changes.map((c) => c.kind)));
  if (kinds.size > 0) {
    const legend = Object.entries(SYMBOL).map(([kind, mark]) => `${mark} ${MARKER_MEANING[kind]}`);
    out.push(`Markers: ${legend.join(", ")}.`, "");
  }
  const releasing = plan.packages.filter((p) => p.bump !== "none").length;
  out.push(
    releasing === 0
      ? "Nothing to release."
      : `${releasing} of ${plan.packages.length} package${plan.packages.length === 1 ? "" : "s"} to release.`,
  );
  return `${out.join("\n")}\n`;
}

/** GitHub-flavoured Markdown for a job summary or PR comment (rows as in {@link planText}); every name is escaped. */
export function planMarkdown(plan: ReleasePlan): string {
  const shown = shownPackages(plan);
  const out = shown.length ? ["| package | proto package | current | next | bump |", "| --- | --- | --- | --- | --- |"] : [];
  for (const p of shown)
    out.push(`| ${code(p.name)} | ${code(p.protoPackage)} | ${p.current ?? "–"} | ${p.next ? `**${p.next}**` : "–"} | ${p.bump} |`);
  if (shown.length) out.push("");
  out.push(...unchangedLine(plan, shown.length));
  for (const p of plan.packages) {
    if (p.changes.length === 0) continue;
    out.push(`### ${escapeMd(p.name)} ${p.next ?? ""}`.trimEnd(), "");
    for (const c of p.changes)
      out.push(
        `- ${c.kind === "breaking" ? "**breaking**: " : ""}${inlineMd(c.message.replace(/ \(breaking(, [A-Z_]+)?\)$/, ""))} (${code(`${c.file}${c.line ? `:${c.line}` : ""}`)})`,
      );
    out.push("");
  }
  const releasing = plan.packages.filter((p) => p.bump !== "none").length;
  out.push(releasing === 0 ? "Nothing to release." : `${releasing} of ${plan.packages.length} packages to release.`);
  return `${out.join("\n")}\n`;
}

/** The marker of each change kind in the text plan, explained by a legend line under the changes. */
const SYMBOL: Record<string, string> = { breaking: "!", additive: "+", change: "~", comment: "#", dependency: "^" };
const MARKER_MEANING: Record<string, string> = {
  breaking: "breaking",
  additive: "added",
  change: "changed (not breaking)",
  comment: "comments only",
  dependency: "dependency range moved",
};

/** Escapes text so Markdown renders it literally and GitHub never sees HTML. */
function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>&~]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : `\\${c}`));
}

/** A code span that holds any text: HTML-escaped inside, with a fence longer than any backtick run. */
function code(text: string): string {
  const clean = text.replace(/[<>&|\n]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === "|" ? "\\|" : " "));
  const fence = "`".repeat(Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${fence}${fence.length > 1 ? " " : ""}${clean}${fence.length > 1 ? " " : ""}${fence}`;
}

/** A changelog line keeps its `code` spans; everything else is escaped. */
function inlineMd(message: string): string {
  return message
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") && part.endsWith("`") && part.length >= 2 ? code(part.slice(1, -1)) : escapeMd(part)))
    .join("");
}
