/**
 * reStructuredText in proto comments (large public APIs write it: `:ref:` roles,
 * `.. code-block:: yaml`, `.. note::`), degraded to Markdown so that a Markdown renderer shows
 * readable text, links where a reference resolves, and code blocks instead of bullet lists.
 * Plain Markdown passes through unchanged: the forms recognised here do not occur in Markdown.
 * The output is still untrusted Markdown: render it with the comment policy in markdown.ts.
 */

import { codeFence, codeSpan, markdownText } from "./markdown-text.js";
import { protodocAnnotations } from "./protodoc.js";

/** Resolves a reference target (a `:ref:` label or a proto name) to an href, or undefined. */
export type RefResolver = (target: string) => string | undefined;

/** Directives whose body is code; any directive whose name ends in `code-block` counts too. */
const CODE_DIRECTIVES = new Set(["code", "code-block", "sourcecode", "literalinclude", "highlight"]);
const ADMONITIONS = new Set(["note", "warning", "attention", "caution", "danger", "error", "hint", "important", "tip", "seealso", "todo"]);
/** Directives that produce nothing readable in a comment. */
const DROPPED_DIRECTIVES = new Set(["toctree", "include", "image", "figure", "raw", "contents", "only", "index", "csv-table"]);
/** Roles whose content reads as code. */
const CODE_ROLES = new Set([
  "code",
  "literal",
  "samp",
  "file",
  "command",
  "option",
  "envvar",
  "kbd",
  "program",
  "regexp",
  "math",
  "abbr",
  "makevar",
  "mimetype",
]);

const indentOf = (line: string): number => /^[ \t]*/.exec(line)?.[0].length ?? 0;
const isBlank = (line: string | undefined): boolean => line === undefined || line.trim() === "";

function dedent(lines: string[]): string[] {
  const body = [...lines];
  while (body.length > 0 && isBlank(body[0])) body.shift();
  while (body.length > 0 && isBlank(body[body.length - 1])) body.pop();
  const min = Math.min(...body.filter((l) => !isBlank(l)).map(indentOf));
  return body.map((l) => (isBlank(l) ? "" : l.slice(Number.isFinite(min) ? min : 0)));
}

/** Collects the lines of an indented block starting at `from`: blank lines or lines indented deeper than `indent`. */
function blockAt(lines: string[], from: number, indent: number): { body: string[]; end: number } {
  let end = from;
  while (end < lines.length && (isBlank(lines[end]) || indentOf(lines[end] ?? "") > indent)) end++;
  // Trailing blank lines stay outside the block.
  while (end > from && isBlank(lines[end - 1])) end--;
  return { body: lines.slice(from, end), end };
}

function directive(name: string, arg: string, body: string[], resolve: RefResolver | undefined): string[] {
  // Leading field lists (`:linenos:`, `:caption: x`) are directive options, not content.
  let start = 0;
  while (start < body.length && /^\s*:[\w-]+:/.test(body[start] ?? "")) start++;
  const content = dedent(body.slice(start));
  if (CODE_DIRECTIVES.has(name) || name.endsWith("code-block")) return [codeFence(content.join("\n"), arg.split(/\s+/)[0] ?? "")];
  if (DROPPED_DIRECTIVES.has(name)) return [];
  const title = name === "admonition" ? arg : name === "seealso" ? "See also" : name.charAt(0).toUpperCase() + name.slice(1);
  const text = [...(name !== "admonition" && arg ? [arg] : []), ...content].join("\n");
  const inner = rstBlocks(text, resolve).split("\n");
  const heading = `**${markdownText(title)}:**`;
  if (ADMONITIONS.has(name) || name === "admonition") {
    return [`> ${heading}`, ">", ...inner.map((l) => (l === "" ? ">" : `> ${l}`))];
  }
  // Other directives (`deprecated`, `versionadded`, ...): their name as a label, then the content.
  return [heading, "", ...inner];
}

/**
 * Degrades reStructuredText constructs in a comment to Markdown: code-block / literal (`::`)
 * blocks become fenced code, admonitions blockquotes, other directives a bold label, comments and
 * link targets vanish, and roles become links (when `resolve` knows the target), text or code,
 * also when they wrap onto the next lines. Envoy's `[#…]` annotations are read first (protodoc.ts).
 */
export function rstToMarkdown(text: string, resolve?: RefResolver): string {
  return rstBlocks(protodocAnnotations(text), resolve);
}

/** A backtick span opened on a line may close on one of the next this many lines of its paragraph. */
const MAX_WRAP = 3;

/**
 * The last line of the span a role or hyperlink opened on line `i` wraps onto (RST lets
 * `` :ref:`a long title <target>` `` and `` `text <url>`_ `` wrap within a paragraph): the line
 * whose backticks close it, or `i` when nothing is open or nothing closes it. A blank line, a
 * directive, a fence, a literal block or a Markdown block marker ends the search.
 */
function wrappedSpanEnd(lines: string[], i: number): number {
  const backticks = (s: string) => s.split("`").length - 1;
  let ticks = backticks(lines[i] ?? "");
  if (ticks % 2 === 0) return i;
  for (let j = i + 1; j < lines.length && j <= i + MAX_WRAP; j++) {
    const line = lines[j] ?? "";
    if (isBlank(line) || /^\s*(\.\.(\s|$)|`{3}|~{3}|[-*+>#|]\s|\d+[.)]\s)|::\s*$/.test(line)) return i;
    ticks += backticks(line);
    if (ticks % 2 === 0) return j;
  }
  return i;
}

/** Lines `i`..`end` as one line (its indentation kept), so a wrapped role reads as an unwrapped one. */
function joinLines(lines: string[], i: number, end: number): string {
  return [lines[i] ?? "", ...lines.slice(i + 1, end + 1).map((l) => l.trim())].join(" ");
}

/** Splits every wrapped role or hyperlink back onto one line. */
function unwrapSpans(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const end = wrappedSpanEnd(lines, i);
    out.push(joinLines(lines, i, end));
    i = end;
  }
  return out.join("\n");
}

function rstBlocks(text: string, resolve: RefResolver | undefined): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const indent = indentOf(line);
    // Markdown fences pass through verbatim.
    const mdFence = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (mdFence) {
      const marker = mdFence[1] ?? "```";
      let j = i + 1;
      while (j < lines.length && !(lines[j] ?? "").trimStart().startsWith(marker)) j++;
      out.push(...lines.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    const dir = /^\s*\.\.\s+([A-Za-z][\w:-]*)::(?:\s+(.*))?$/.exec(line);
    if (dir) {
      const { body, end } = blockAt(lines, i + 1, indent);
      const name = (dir[1] ?? "").toLowerCase().replace(/^[\w-]+:(?=[\w-])/, "");
      out.push(...directive(name, (dir[2] ?? "").trim(), body, resolve), "");
      i = end;
      continue;
    }
    if (/^\s*\.\.(\s|$)/.test(line)) {
      // An RST comment or a link target (`.. _label:`): not shown.
      i = blockAt(lines, i + 1, indent).end;
      continue;
    }
    if (/::\s*$/.test(line)) {
      let next = i + 1;
      while (next < lines.length && isBlank(lines[next])) next++;
      if (next < lines.length && indentOf(lines[next] ?? "") > indent) {
        const { body, end } = blockAt(lines, i + 1, indent);
        const lead = line.replace(/\s*::\s*$/, (m) => (/^\s/.test(m) || line.trim() === "::" ? "" : ":"));
        if (lead.trim() !== "") out.push(inlineRoles(lead, resolve), "");
        out.push(codeFence(dedent(body).join("\n")), "");
        i = end;
        continue;
      }
    }
    const end = wrappedSpanEnd(lines, i);
    out.push(inlineRoles(joinLines(lines, i, end), resolve));
    i = end + 1;
  }
  return out.join("\n");
}

/**
 * `:role:\`content\`` (also `:domain:role:`), RST hyperlinks `` `text <url>`_ `` and `` `name`_ ``.
 * With `plain`, references read as their text and hyperlinks as `text (url)`, unescaped: for
 * outputs that escape Markdown themselves.
 */
function inlineRoles(line: string, resolve: RefResolver | undefined, plain = false): string {
  const text = plain ? (s: string) => s : markdownText;
  return line
    .replace(/:((?:[A-Za-z][\w.+-]*:)+)`([^`\n]+)`/g, (_m, roles: string, content: string) => role(roles, content, resolve, plain))
    .replace(/`([^`<>\n]+?)\s*<([a-z][a-z0-9+.-]*:[^<>`\s]+)>`__?/gi, (_m, label: string, url: string) =>
      plain ? `${label} (${url})` : `[${markdownText(label)}](<${url}>)`,
    )
    .replace(/`([^`<>\n]+)`__?(?![\w`])/g, (_m, label: string) => text(label));
}

/**
 * reStructuredText roles and hyperlinks of a comment as plain text, wrapped ones joined onto one
 * line, and Envoy's `[#…]` annotations read as plain text (blocks are left as they are).
 */
export function rstRolesToText(text: string): string {
  return inlineRoles(unwrapSpans(protodocAnnotations(text.replace(/\r\n?/g, "\n"), true)), undefined, true);
}

function role(roles: string, content: string, resolve: RefResolver | undefined, plain: boolean): string {
  const name = roles.split(":").filter(Boolean).pop()?.toLowerCase() ?? "";
  const text = plain ? (s: string) => s : markdownText;
  if (CODE_ROLES.has(name)) return codeSpan(content);
  if (name === "emphasis") return `*${text(content)}*`;
  if (name === "strong") return `**${text(content)}**`;
  if (name === "sub" || name === "sup" || name === "title-reference") return text(content);
  // A reference: `title <target>` or just `target` (a leading `~` shows only the last part).
  const titled = /^([\s\S]*?)\s*<([^<>]+)>$/.exec(content);
  const target = (titled ? titled[2] : content)?.trim().replace(/^[~!]/, "") ?? "";
  const title = titled?.[1]?.trim();
  const href = resolve?.(target);
  const shown = title || (content.startsWith("~") ? (target.split(".").pop() ?? target) : target);
  const label = title ? text(shown) : codeSpan(shown);
  return href ? `[${label}](<${href.replace(/[<>\s]/g, encodeURIComponent)}>)` : label;
}
