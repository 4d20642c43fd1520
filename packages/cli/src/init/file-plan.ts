import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * One file init wants to exist. `owned` files are written whole: an existing file with other
 * content is the user's and is kept unless forced. `merged` files (package.json, .gitignore,
 * lefthook.yml) are the user's too: `merge` only adds what is missing to their current content.
 */
export type PlannedFile =
  | { kind: "owned"; path: string; content: string; executable?: boolean; createOnly?: boolean }
  | { kind: "merged"; path: string; merge: (current: string | undefined) => string };

/** What happened (or, in a dry run, would happen) to one file. */
export interface FileOutcome {
  path: string;
  action: "created" | "updated" | "unchanged" | "kept";
  /** The content written (or that would be). */
  content: string;
}

/**
 * Decides every file's new content before anything is written, so a failure writes nothing; then
 * writes each one atomically (a temp file renamed over it). An owned file that differs from what
 * init writes is `kept` unless `force`; a `createOnly` file (buf.yaml) is never replaced.
 */
export async function applyPlan(
  root: string,
  files: readonly PlannedFile[],
  options: { force: boolean; dryRun: boolean },
): Promise<FileOutcome[]> {
  const outcomes: (FileOutcome & { executable: boolean })[] = [];
  for (const file of files) {
    const abs = path.join(root, file.path);
    const current = await readFile(abs, "utf8").catch(() => undefined);
    const content = file.kind === "owned" ? file.content : file.merge(current);
    const executable = file.kind === "owned" && file.executable === true;
    let action: FileOutcome["action"];
    if (current === undefined) action = "created";
    else if (current === content) action = "unchanged";
    else if (file.kind === "owned" && (file.createOnly || !options.force)) action = "kept";
    else action = "updated";
    outcomes.push({ path: file.path, action, content: action === "kept" ? current! : content, executable });
  }
  if (!options.dryRun) {
    for (const o of outcomes) {
      if (o.action !== "created" && o.action !== "updated") continue;
      const abs = path.join(root, o.path);
      await mkdir(path.dirname(abs), { recursive: true });
      const tmp = `${abs}.protoship-${process.pid}.tmp`;
      await writeFile(tmp, o.content);
      if (o.executable) await chmod(tmp, 0o755);
      await rename(tmp, abs);
    }
  }
  return outcomes.map(({ executable: _, ...o }) => o);
}
