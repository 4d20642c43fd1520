/** Untrusted text made safe inside Markdown: as a code block, a code span or escaped text. */

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
