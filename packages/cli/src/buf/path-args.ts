/**
 * `--path` arguments for buf that survive any legal file name.
 *
 * buf's `--path` is a string-slice flag: each value is read as one CSV record, so a bare comma
 * splits a name in two, and a `"` or a newline makes the value unparseable. Every value is
 * therefore written as a quoted CSV field (`"` doubled), which the CSV reader turns back into
 * exactly the name, and attached with `=` so a name starting with `-` is never read as a flag.
 */
export function bufPathArgs(files: readonly string[]): string[] {
  return files.map((file) => {
    const why = whyNotPassable(file);
    if (why) throw new Error(`${JSON.stringify(file)}: ${why}`);
    return `--path=${csvField(file)}`;
  });
}

/**
 * Why a file name cannot reach buf intact as a `--path` value, or undefined when it can: buf's CSV
 * reader turns every `\r\n` into `\n`, even inside a quoted field, so such a name would name a
 * file that does not exist and buf would silently check nothing for it.
 */
export function whyNotPassable(file: string): string | undefined {
  return file.includes("\r\n") ? "buf reads --path values as CSV, which turns its \\r\\n into \\n" : undefined;
}

function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
