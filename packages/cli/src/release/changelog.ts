import type { PackagePlan } from "./plan.js";

/**
 * The annotation of a release tag: a title line, then one "- " line per change. It is the
 * changelog of record: the docs site and publish read it back with {@link parseTagMessage}.
 */
export function tagMessage(plan: Pick<PackagePlan, "name" | "next" | "changes">): string {
  const lines = plan.changes.map((c) => `- ${oneLine(c.message)}`);
  return `${plan.name} ${plan.next}\n\n${lines.length > 0 ? lines.join("\n") : "- no schema changes"}\n`;
}

/** The changelog lines of a tag annotation written by {@link tagMessage}. */
export function parseTagMessage(message: string): string[] {
  return message
    .split("\n")
    .filter((l) => l.startsWith("- "))
    .map((l) => l.slice(2).trim())
    .filter(Boolean);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
