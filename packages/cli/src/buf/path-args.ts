/**
 * `--path` arguments for buf that survive any legal file name.
 *
 * buf's `--path` is a string-slice flag: each value is read as one CSV record, so a bare comma
 * splits a name in two, and a `"` or a newline makes the value unparseable. Every value is
 * therefore written as a quoted CSV field (`"` doubled), which the CSV reader turns back into
 * exactly the name, and attached with `=` so a name starting with `-` is never read as a flag.
 */
export function bufPathArgs(files: readonly string[]): string[] {
  return files.map((file) => `--path=${csvField(file)}`);
}

function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
