import { InternalError } from "../errors.js";
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
    if (why) throw new InternalError(`${JSON.stringify(file)}: ${why}`);
    return `--path=${csvField(file)}`;
  });
}

/**
 * Why a file name cannot reach buf intact as a `--path` value, or undefined when it can. Such a
 * value would name a file that does not exist, and buf would silently check nothing for it:
 * - buf's CSV reader turns every `\r\n` into `\n`, even inside a quoted field;
 * - git's output is read as UTF-8, so bytes that are not UTF-8 come out as U+FFFD, and an argument
 *   (a string, sent as UTF-8) cannot carry the original bytes back.
 */
export function whyNotPassable(file: string): string | undefined {
  if (file.includes("\r\n")) return "buf reads --path values as CSV, which turns its \\r\\n into \\n";
  if (file.includes("\ufffd")) return "its name is not valid UTF-8 (git's bytes read as U+FFFD), which a --path value cannot carry";
  return undefined;
}

function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
