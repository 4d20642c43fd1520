import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, lstat, realpath, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { onInterrupt } from "../process/interrupt.js";

/**
 * Why a repository file may not be rewritten in place, or undefined when it may: it must be a
 * regular file (not a symlink) whose folder, symlinks resolved, is the same folder inside the
 * repository, so a rewrite can never land outside it.
 */
export async function whyNotReplaceable(root: string, file: string): Promise<string | undefined> {
  const target = path.join(root, ...file.split("/"));
  let stat: Awaited<ReturnType<typeof lstat>>;
  try {
    stat = await lstat(target);
  } catch {
    return "it does not exist in the working tree";
  }
  if (stat.isSymbolicLink()) return "it is a symlink, and protoship does not write through links: format the file it points to";
  if (!stat.isFile()) return "it is not a regular file";
  const [realRoot, realDir] = await Promise.all([realpath(root), realpath(path.dirname(target))]);
  if (
    realDir !==
    path.join(
      realRoot,
      ...path
        .dirname(file)
        .split("/")
        .filter((p) => p !== "."),
    )
  ) {
    return "its folder is a symlink, and protoship does not write through links: format the file it points to";
  }
  return undefined;
}

/**
 * Replaces a file's content atomically: the bytes go to a temporary file beside it (same folder,
 * same mode), which is then renamed over it. Readers see the old or the new file, never a part.
 */
export async function replaceFile(file: string, content: Uint8Array): Promise<void> {
  const { mode } = await lstat(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.protoship-${randomBytes(6).toString("hex")}`);
  // An interrupt between the write and the rename leaves no temporary file in the repository.
  const forget = onInterrupt(() => rmSync(temp, { force: true }));
  try {
    await writeFile(temp, content, { flag: "wx" });
    await chmod(temp, mode & 0o7777);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    forget();
  }
}
