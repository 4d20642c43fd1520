/**
 * reStructuredText in proto comments (large public APIs write it: `:ref:` roles,
 * `.. code-block:: yaml`, `.. note::`), degraded to Markdown so that a Markdown renderer shows
 * readable text, links where a reference resolves, and code blocks instead of bullet lists.
 * Plain Markdown passes through unchanged: the forms recognised here do not occur in Markdown.
 * The output is still untrusted Markdown: render it with the comment policy in markdown.ts.
 */

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

/** A fenced code block whose fence is longer than any backtick run inside, so it cannot be closed early. */
export function codeFence(content: string, lang = ""): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${/^[\w+-]{1,30}$/.test(lang) ? lang : ""}\n${content}\n${fence}`;
}

/** An inline code span that holds any text (backticks included). */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Backslash-escapes Markdown punctuation so untrusted text stays text. */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, "\\$&");
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
  const inner = rstToMarkdown(text, resolve).split("\n");
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
 * link targets vanish, and roles become links (when `resolve` knows the target), text or code.
 */
export function rstToMarkdown(text: string, resolve?: RefResolver): string {
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
    out.push(inlineRoles(line, resolve));
    i++;
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

/** reStructuredText roles and hyperlinks of a comment as plain text (blocks are left as they are). */
export function rstRolesToText(text: string): string {
  return inlineRoles(text, undefined, true);
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
