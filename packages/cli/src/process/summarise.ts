/** How many names a one-line summary shows before "… and N more". */
const SHOWN = 5;

/**
 * A count and the first few names, for a line that must stay short however many there are:
 * `3 packages (a, b, c)`, `40 packages (a, b, c, d, e … and 35 more)`.
 */
export function summarise(names: readonly string[], noun: string, shown = SHOWN): string {
  const count = `${names.length} ${noun}${names.length === 1 ? "" : "s"}`;
  if (names.length === 0) return count;
  const listed = names.slice(0, shown).join(", ");
  return `${count} (${listed}${names.length > shown ? ` … and ${names.length - shown} more` : ""})`;
}
