/**
 * Envoy's protodoc annotations (`[#name: value]` in comments, as the Envoy xDS API writes them),
 * read the way a reader of the API needs them:
 * - bookkeeping for the API's maintainers vanishes: `[#next-free-field: N]`,
 *   `[#next-major-version: …]`, `[#comment: …]` (which may span lines and hold brackets);
 * - `[#not-implemented-hide:]` reads `*Not implemented.*` in place (Envoy's own docs hide the
 *   element; here it stays, since the schema and its stubs have it);
 * - `[#protodoc-title: T]` becomes a paragraph of its own, `**T**`;
 * - `[#extension: name]` and `[#extension-category: name]` become a paragraph of their own,
 *   ``Extension: `name` `` and ``Extension category: `name` ``.
 * Other `[#…]` text stays as written. The values are untrusted: they come out as escaped text or
 * code spans.
 */
import { codeSpan, markdownText } from "./markdown-text.js";

const HIDDEN = new Set(["next-free-field", "next-major-version", "comment"]);
/** Annotations shown, as Markdown or (with `plain`) as plain text. */
const SHOWN = new Map<string, (value: string, plain: boolean) => string>([
  ["protodoc-title", (v, plain) => (plain ? v : `**${markdownText(v)}**`)],
  ["extension", (v, plain) => `Extension: ${plain ? v : codeSpan(v)}`],
  ["extension-category", (v, plain) => `Extension category: ${plain ? v : codeSpan(v)}`],
]);
/** An annotation is read up to this many characters; a longer (or unclosed) one stays as written. */
const MAX_ANNOTATION = 4000;

interface Annotation {
  name: string;
  value: string;
  start: number;
  /** Just past the closing bracket. */
  end: number;
}

/**
 * The annotation starting at `start` (at `[#`), or undefined when it is unknown, unclosed or too
 * long. It ends at the bracket that balances its own (`[#comment: add [#extension: x] later]`);
 * when none does, at the first `]`, as Envoy's protodoc reads it (Envoy's API has a `[#comment:`
 * whose text runs into a second `[#comment: …]` and closes there).
 */
function annotationAt(text: string, start: number): Annotation | undefined {
  const head = /^\[#([a-z][a-z-]*):/.exec(text.slice(start, start + 40));
  const name = head?.[1];
  if (!head || name === undefined || !(HIDDEN.has(name) || SHOWN.has(name) || name === "not-implemented-hide")) return undefined;
  const from = start + head[0].length;
  const limit = Math.min(text.length, start + MAX_ANNOTATION);
  let depth = 1;
  let close = -1;
  for (let i = from; i < limit && close === -1; i++) {
    if (text[i] === "[") depth++;
    else if (text[i] === "]" && --depth === 0) close = i;
  }
  if (close === -1) close = text.indexOf("]", from);
  if (close === -1 || close >= limit) return undefined;
  const value = text.slice(from, close).replace(/\s+/g, " ").trim();
  return { name, value, start, end: close + 1 };
}

/**
 * Replaces Envoy's protodoc annotations in a comment (see the module comment). With `plain`, the
 * shown ones read as plain text (for outputs that escape Markdown themselves).
 */
export function protodocAnnotations(text: string, plain = false): string {
  if (!text.includes("[#")) return text;
  const out = new Output();
  let from = 0;
  for (let at = text.indexOf("[#"); at !== -1; at = text.indexOf("[#", Math.max(at + 1, from))) {
    const a = annotationAt(text, at);
    if (!a) continue;
    const before = text.slice(from, at);
    const lineEnd = text.indexOf("\n", a.end) === -1 ? text.length : text.indexOf("\n", a.end);
    const after = text.slice(a.end, lineEnd);
    const show = a.value === "" ? undefined : SHOWN.get(a.name);
    if (a.name === "not-implemented-hide") {
      out.add(before + (plain ? "Not implemented." : "*Not implemented.*"));
      from = a.end;
    } else if (show) {
      // A paragraph of its own, at its line's indentation; the rest of the line starts the next one.
      const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf("\n", at - 1) + 1, at))?.[0] ?? "";
      out.add(before.trimEnd());
      out.paragraphBreak();
      out.add(`${indent}${show(a.value, plain)}\n\n${after.trim() === "" ? "" : indent}`);
      from = after.trim() === "" ? lineEnd + 1 : a.end + after.length - after.trimStart().length;
    } else if (out.lineBlankWith(before) && after.trim() === "") {
      // Nothing else on its line: the line goes.
      out.add(before.replace(/[ \t]*$/, ""));
      from = lineEnd + 1;
    } else {
      // In running text: the annotation goes, with one space beside it.
      const spaceBefore = /[ \t]$/.test(before);
      out.add(spaceBefore ? before.slice(0, -1) : before);
      from = a.end + (!spaceBefore && /[ \t]/.test(text[a.end] ?? "") ? 1 : 0);
    }
  }
  out.add(text.slice(Math.min(from, text.length)));
  return out.text;
}

/** The text written so far, and its last line (kept apart so no check rescans the whole text). */
class Output {
  text = "";
  private line = "";
  private hasText = false;

  add(s: string): void {
    this.text += s;
    this.hasText ||= s.trim() !== "";
    const nl = s.lastIndexOf("\n");
    this.line = nl === -1 ? this.line + s : s.slice(nl + 1);
  }

  /** True when the current line, once `s` is added, holds only spaces. */
  lineBlankWith(s: string): boolean {
    const nl = s.lastIndexOf("\n");
    return (nl === -1 ? this.line + s : s.slice(nl + 1)).trim() === "";
  }

  /** Ends the paragraph written so far (nothing at the start, or after a blank line). */
  paragraphBreak(): void {
    if (!this.hasText || /\n[ \t]*\n[ \t]*$/.test(this.text.slice(-200))) return;
    this.add("\n\n");
  }
}
