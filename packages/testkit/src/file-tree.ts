import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Every file under `dir` (hidden ones, node_modules and .git included), by relative path →
 * UTF-8 content, sorted by path: what a test compares before and after a command. `keep` leaves
 * out the relative paths it returns false for.
 */
export async function readTree(dir: string, keep: (relative: string) => boolean = () => true): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter(keep)
    .sort();
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), "utf8")] as const)));
}

/** Whether anything (file, folder, symlink that resolves) exists at `p`. */
export async function pathExists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
