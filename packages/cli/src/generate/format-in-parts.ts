/**
 * Formats a TypeScript module a group of top-level statements at a time, with the formatter the
 * whole module would get: the same text, but memory for one group instead of the whole file.
 * ts-poet hands dprint each generated file whole, and dprint's memory is about 160 times the
 * file: google/cloud/compute/v1beta's 18.5 MB compute.ts took 3 GB on its own.
 *
 * The module is cut only after a `;` or `}` that ends a line outside every bracket, string,
 * template and comment, before a line in the first column ({@link statementGroups}); the imports stay in the first group (dprint
 * sorts them together). Groups are joined as dprint separates statements: one blank line where the
 * input had one or more, none otherwise. Whenever that cannot be done safely (the scan does not
 * come out balanced, or a group does not format alone) the whole text is formatted in one call, as
 * before, so the result is never worse than the formatter's own.
 *
 * @example
 * formatInParts(code, (part) => dprint.format("file.ts", part, options));
 */
export function formatInParts(text: string, format: (text: string) => string, groupSize = GROUP_SIZE): string {
  const input = text.trim();
  const groups = statementGroups(input, groupSize);
  if (!groups || groups.length < 2) return format(input);
  const formatted: string[] = [];
  for (const group of groups) {
    try {
      formatted.push(format(group.trim()));
    } catch {
      return format(input);
    }
  }
  return joinFormatted(groups, formatted);
}

/**
 * The text `groups` (consecutive pieces of a module, {@link statementGroups}) joined back once each
 * was formatted alone (`formatted`, each group trimmed, in order): one blank line between two
 * groups where the input had one or more, none otherwise, as dprint separates statements.
 */
export function joinFormatted(groups: readonly string[], formatted: readonly string[]): string {
  let out = "";
  for (const [index, group] of groups.entries()) {
    if (index > 0 && group.startsWith("\n")) out += "\n";
    out += formatted[index]!;
  }
  return out;
}

/**
 * About this many characters of source per formatter call: dprint-node keeps part of what each
 * call allocates, less for smaller calls (a 660 KB share of the bench slice: 99 MB with 16 KiB
 * groups, 109 MB with 64 KiB, 126 MB with 256 KiB; slightly less CPU too).
 */
const GROUP_SIZE = 16 * 1024;

/**
 * `text` cut into consecutive groups of whole top-level statements, each at least `groupSize`
 * characters (but the last), the first holding every import declaration; the groups joined are
 * `text`. Undefined when the text does not scan as balanced code.
 */
export function statementGroups(text: string, groupSize = GROUP_SIZE): string[] | undefined {
  const ends = statementEnds(text);
  if (!ends) return undefined;
  const statements: string[] = [];
  let start = 0;
  for (const end of [...ends, text.length]) {
    if (end > start) statements.push(text.slice(start, end));
    start = end;
  }
  let lastImport = 0;
  for (const [index, statement] of statements.entries()) if (/^\s*import[\s{*]/.test(statement)) lastImport = index;
  const groups = [statements.slice(0, lastImport + 1).join("")];
  let current = "";
  for (const statement of statements.slice(lastImport + 1)) {
    if (current.length >= groupSize) {
      groups.push(current);
      current = "";
    }
    current += statement;
  }
  if (current) groups.push(current);
  return groups;
}

/**
 * Offsets just after each line break that follows a `;` or `}` at the top level (outside
 * brackets, strings, templates, comments) when the next line that is not empty starts in the first
 * column: ts-poet writes top-level statements there and indents the rest of a statement (a
 * conditional type goes on after `T extends {}` with an indented `? …` line). Undefined when
 * brackets do not balance or a string, template or comment does not end: the caller then formats
 * the text whole.
 */
function statementEnds(text: string): number[] | undefined {
  const ends: number[] = [];
  const length = text.length;
  let depth = 0;
  let i = 0;
  // Skips a quoted string from its opening quote; the index after it, or -1.
  const skipString = (from: number): number => {
    const quote = text[from];
    for (let j = from + 1; j < length; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === "\n") return -1;
      else if (text[j] === quote) return j + 1;
    }
    return -1;
  };
  // Skips a template literal from its backtick, `${…}` expressions included; the index after it, or -1.
  const skipTemplate = (from: number): number => {
    for (let j = from + 1; j < length; j++) {
      const c = text[j];
      if (c === "\\") j++;
      else if (c === "`") return j + 1;
      else if (c === "$" && text[j + 1] === "{") {
        j = skipExpression(j + 2);
        if (j < 0) return -1;
        j--;
      }
    }
    return -1;
  };
  // Skips code up to and including the `}` that closes a template expression; the index after it, or -1.
  const skipExpression = (from: number): number => {
    let inner = 1;
    for (let j = from; j < length; j++) {
      const c = text[j];
      if (c === '"' || c === "'" || c === "`") {
        const next = c === "`" ? skipTemplate(j) : skipString(j);
        if (next < 0) return -1;
        j = next - 1;
      } else if (c === "{") inner++;
      else if (c === "}" && --inner === 0) return j + 1;
    }
    return -1;
  };
  // Whether the first line from `from` on that is not empty starts with neither a space nor a tab.
  const startsLine = (from: number): boolean => {
    let j = from;
    while (text[j] === "\n") j++;
    return text[j] !== " " && text[j] !== "\t";
  };
  // Characters between these (most of the text) change nothing: the scan jumps over them.
  const special = /[/"'`{}()[\];]/g;
  while (i < length) {
    special.lastIndex = i;
    if (!special.exec(text)) break;
    i = special.lastIndex - 1;
    const c = text[i]!;
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? length : end;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return undefined;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      i = c === "`" ? skipTemplate(i) : skipString(i);
      if (i < 0) return undefined;
      continue;
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") {
      if (--depth < 0) return undefined;
    }
    if (depth === 0 && (c === ";" || c === "}") && text[i + 1] === "\n" && startsLine(i + 2)) ends.push(i + 2);
    i++;
  }
  return depth === 0 ? ends : undefined;
}
