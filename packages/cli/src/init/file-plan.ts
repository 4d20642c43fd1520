import { chmod, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { EnvironmentError } from "../errors.js";
import { resolveTarget } from "./target-path.js";
import { decodeText, encodeText } from "./text-bytes.js";

/**
 * One file init wants to exist. `owned` files are written whole: an existing file with other
 * content is the user's and is kept unless forced. `merged` files (package.json, .gitignore,
 * lefthook.yml) are the user's too: `merge` only adds what is missing to their current content,
 * or throws a ConfigError naming the file and key when that content is not what it expects.
 * `path` is relative to `base` (default: the repository root) and is what init prints.
 */
export type PlannedFile = (
  | { kind: "owned"; content: string; executable?: boolean; createOnly?: boolean; force?: boolean }
  | { kind: "merged"; merge: (current: string | undefined) => string }
) & { path: string; base?: string; shown?: string };

/** What happened (or, in a dry run, would happen) to one file. */
export interface FileOutcome {
  path: string;
  action: "created" | "updated" | "unchanged" | "kept";
  /** The content written (or that would be). */
  content: string;
}

/** A decided file: its outcome, and where and what to write. */
export interface PlannedWrite extends FileOutcome {
  abs: string;
  missingDirs: string[];
  bytes: Buffer;
  executable: boolean;
}

/**
 * Decides every file's new content before anything is written: each target path is checked
 * (no symlink out of `root`, no folder where a file goes; see resolveTarget) and each merge runs,
 * so any refusal comes before the first write. An owned file that differs from what init writes
 * is `kept` unless forced; a `createOnly` file is never replaced. A file that is not UTF-8 is
 * edited byte for byte (see decodeText).
 */
export async function planFiles(root: string, files: readonly PlannedFile[], options: { force: boolean }): Promise<PlannedWrite[]> {
  const planned: PlannedWrite[] = [];
  for (const file of files) {
    const base = file.base ?? root;
    const { abs, missingDirs } = await resolveTarget(base, file.path, file.base ?? root);
    const bytes = await readFile(abs).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw new EnvironmentError(`cannot read ${file.shown ?? file.path}: ${error.code ?? error.message}`);
    });
    const current = bytes === undefined ? undefined : decodeText(bytes);
    const content = file.kind === "owned" ? file.content : file.merge(current?.text);
    const force = file.kind === "owned" && (file.force ?? options.force);
    let action: FileOutcome["action"];
    if (current === undefined) action = "created";
    else if (current.text === content) action = "unchanged";
    else if (file.kind === "owned" && (file.createOnly || !force)) action = "kept";
    else action = "updated";
    planned.push({
      path: file.shown ?? file.path,
      action,
      content: action === "kept" ? current!.text : content,
      abs,
      missingDirs,
      bytes: encodeText(content, current?.encoding),
      executable: file.kind === "owned" && file.executable === true,
    });
  }
  return planned;
}

/**
 * Writes the created and updated files, all or none: every new content goes to a temp file beside
 * its target first (missing folders created); only when all are written are they renamed over
 * their targets. A failure before that removes the temp files and the folders it created.
 */
export async function writePlanned(planned: readonly PlannedWrite[]): Promise<void> {
  const writes = planned.filter((p) => p.action === "created" || p.action === "updated");
  const staged: { tmp: string; abs: string }[] = [];
  const madeDirs: string[] = [];
  try {
    for (const w of writes) {
      for (const dir of w.missingDirs) {
        if (await stat(dir).catch(() => undefined)) continue;
        await mkdir(dir);
        madeDirs.push(dir);
      }
      const tmp = `${w.abs}.protoship-${process.pid}.tmp`;
      const mode = (await stat(w.abs).catch(() => undefined))?.mode;
      await writeFile(tmp, w.bytes, { flag: "wx" });
      staged.push({ tmp, abs: w.abs });
      if (w.executable) await chmod(tmp, 0o755);
      else if (mode !== undefined) await chmod(tmp, mode & 0o7777);
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    for (const dir of madeDirs.reverse()) await rmdir(dir).catch(() => {});
    const e = error as NodeJS.ErrnoException;
    throw new EnvironmentError(
      `cannot write ${e.path ? path.basename(e.path) : "a file"}: ${e.code ?? e.message}; nothing was written`,
      undefined,
      error,
    );
  }
  for (const s of staged) await rename(s.tmp, s.abs);
}

/** {@link planFiles}, then (unless a dry run) {@link writePlanned}. */
export async function applyPlan(
  root: string,
  files: readonly PlannedFile[],
  options: { force: boolean; dryRun: boolean },
): Promise<FileOutcome[]> {
  const planned = await planFiles(root, files, options);
  if (!options.dryRun) await writePlanned(planned);
  return planned.map(({ path: p, action, content }) => ({ path: p, action, content }));
}
