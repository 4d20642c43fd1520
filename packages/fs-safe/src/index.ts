/**
 * @protoship/fs-safe — replaces output folders that protoship owns, so that nothing else is ever
 * lost and a crash at any moment leaves something the next run can finish.
 *
 * Ownership: every folder written here gets a {@link MARKER} file naming its owner (e.g.
 * `protoship docs`). A folder is replaced or removed only when it carries the same owner's
 * marker, or is an empty folder; anything else is refused with {@link NotOwnedError}.
 *
 * Crash safety: the new folders are written completely under `<parent>/.protoship-swap/new/`
 * before anything in `parent` changes. Then a journal is committed with one atomic rename;
 * from that moment the swap only rolls forward. Each folder is moved aside into
 * `.protoship-swap/old/` and the new one renamed in (kept subfolders such as `node_modules` are
 * moved into the new folder first). The next call on the same parent, or {@link recoverSwap},
 * rolls an interrupted swap forward (journal present) or discards it (journal absent), so after
 * recovery each folder is its complete old or complete new self.
 *
 * POSIX has no atomic exchange of two non-empty directories that Node exposes, so between the two
 * renames of one folder the folder is briefly absent; the journal is what makes that recoverable.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** The file that marks a folder as written by protoship; its content is the owner. */
export const MARKER = ".protoship-generated";
/** The folder, beside the replaced ones, that holds a swap in progress. */
export const STAGING = ".protoship-swap";

const JOURNAL = "journal.json";
const OWNER = "owner.json";

/** A folder that exists and was not written by this owner: protoship refuses to touch it. */
export class NotOwnedError extends Error {
  constructor(
    /** Absolute path of the folder. */
    readonly folder: string,
    readonly owner: string,
    /** Why, when it is not the missing marker: `is a symbolic link`. */
    readonly reason?: string,
  ) {
    super(`${folder} ${reason ?? `was not written by ${owner} (it has no ${MARKER} from it)`}; refusing to replace or delete it`);
    this.name = "NotOwnedError";
  }
}

/** Another process is swapping folders in the same parent right now. */
export class SwapBusyError extends Error {
  constructor(
    readonly parent: string,
    readonly pid: number,
  ) {
    super(`another protoship process (pid ${pid}) is writing in ${parent}`);
    this.name = "SwapBusyError";
  }
}

/** What {@link swapFolders} does in one parent folder. */
export interface FolderSwap {
  /** The folder that holds the replaced folders. */
  parent: string;
  /** Who owns the folders, written into their marker, e.g. `protoship generate`. */
  owner: string;
  /** Folder name → fills a fresh, empty folder with the complete new content. */
  write: ReadonlyMap<string, (dir: string) => Promise<void>>;
  /** Folder names to delete (each must be owned, else the whole swap is refused). */
  remove?: readonly string[];
  /** Subfolders of a replaced folder that are the user's, not the writer's: moved into the new folder. */
  keep?: readonly string[];
}

interface Journal {
  owner: string;
  write: string[];
  remove: string[];
  keep: string[];
}

/**
 * Replaces `parent/<name>` for each name in `write` and deletes each name in `remove`, all or
 * nothing: a failure or crash before the journal is committed changes nothing in `parent`; after
 * it, the swap completes (now, or on the next call or {@link recoverSwap}). Refuses, before writing
 * anything, any existing target that is not an empty folder or a folder with `owner`'s marker.
 */
export async function swapFolders(swap: FolderSwap): Promise<void> {
  const parent = path.resolve(swap.parent);
  const names = [...swap.write.keys(), ...(swap.remove ?? [])];
  for (const name of names) checkName(name);
  await mkdir(parent, { recursive: true });
  const staging = await lock(parent);
  try {
    for (const name of names) await assertOwned(path.join(parent, name), swap.owner);
    for (const [name, fill] of swap.write) {
      const dir = path.join(staging, "new", name);
      await mkdir(dir, { recursive: true });
      await fill(dir);
      await writeFile(path.join(dir, MARKER), `${swap.owner}\n`);
    }
    const journal: Journal = {
      owner: swap.owner,
      write: [...swap.write.keys()],
      remove: [...(swap.remove ?? [])],
      keep: [...(swap.keep ?? [])],
    };
    await writeFile(path.join(staging, `${JOURNAL}.tmp`), JSON.stringify(journal));
    await rename(path.join(staging, `${JOURNAL}.tmp`), path.join(staging, JOURNAL));
  } catch (error) {
    // Not committed: nothing in `parent` changed yet.
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rollForward(parent, staging);
}

/**
 * Finishes or discards a swap in `parent` that a crashed process left behind; does nothing when
 * there is none. Throws {@link SwapBusyError} when the process that started it is still running.
 */
export async function recoverSwap(parent: string): Promise<void> {
  const staging = path.join(path.resolve(parent), STAGING);
  if (!(await exists(staging))) return;
  await rm(await lock(path.resolve(parent)), { recursive: true, force: true });
}

/**
 * Removes, synchronously, the swap this process is staging in `parent` when its journal is not yet
 * committed (nothing in `parent` has changed then): for an interrupted process, which exits at once
 * and would otherwise leave the half-written staging folder for the next run to discard. A
 * committed swap, or another process's, is left alone (the next call rolls it forward). Never throws.
 */
export function discardOwnUncommittedSwap(parent: string): void {
  const staging = path.join(path.resolve(parent), STAGING);
  try {
    const pid = (JSON.parse(readFileSync(path.join(staging, OWNER), "utf8")) as { pid?: unknown }).pid;
    if (pid !== process.pid || existsSync(path.join(staging, JOURNAL))) return;
    rmSync(staging, { recursive: true, force: true });
  } catch {
    // no staging of ours, or already gone
  }
}

/**
 * The marker's owner of `dir`, or undefined when it has none. Symbolic links are never followed: a
 * `dir` that is a link (wherever it points, whatever marker is there) or a marker that is a link
 * has no owner, so no link is ever replaced, deleted or emptied of its `keep` folders.
 */
export async function ownerOf(dir: string): Promise<string | undefined> {
  try {
    const marker = path.join(dir, MARKER);
    if (!(await lstat(dir)).isDirectory() || !(await lstat(marker)).isFile()) return undefined;
    return (await readFile(marker, "utf8")).trim();
  } catch {
    return undefined;
  }
}

/**
 * Throws {@link NotOwnedError} unless `dir` is absent, an empty folder, or carries `owner`'s
 * marker. A symbolic link (even a dangling one) is refused: it is not a folder protoship wrote, and
 * following it could move things in from outside the repository.
 */
export async function assertOwned(dir: string, owner: string): Promise<void> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(dir);
  } catch {
    return;
  }
  if (info.isSymbolicLink()) throw new NotOwnedError(dir, owner, "is a symbolic link");
  if (info.isDirectory() && ((await ownerOf(dir)) === owner || (await readdir(dir)).length === 0)) return;
  throw new NotOwnedError(dir, owner);
}

/**
 * Takes the parent's staging folder for this process, recovering a dead process's swap first.
 * Returns the staging folder, empty but for the owner file.
 */
async function lock(parent: string): Promise<string> {
  const staging = path.join(parent, STAGING);
  for (;;) {
    try {
      await mkdir(staging);
      await writeFile(path.join(staging, OWNER), JSON.stringify({ pid: process.pid }));
      return staging;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = await readPid(staging);
    if (pid !== undefined && pid !== process.pid && alive(pid)) throw new SwapBusyError(parent, pid);
    if (await exists(path.join(staging, JOURNAL))) await rollForward(parent, staging);
    else await rm(staging, { recursive: true, force: true });
  }
}

/** Applies a committed journal; idempotent, so a crash inside it is finished by the next call. */
async function rollForward(parent: string, staging: string): Promise<void> {
  const journal = JSON.parse(await readFile(path.join(staging, JOURNAL), "utf8")) as Journal;
  const old = path.join(staging, "old");
  await mkdir(old, { recursive: true });
  for (const name of journal.write) {
    const next = path.join(staging, "new", name);
    if (!(await exists(next))) continue; // already in place
    const target = path.join(parent, name);
    if (await exists(target)) {
      await assertOwned(target, journal.owner);
      for (const kept of journal.keep) {
        const [from, to] = [path.join(target, kept), path.join(next, kept)];
        if ((await exists(from)) && !(await exists(to))) await rename(from, to);
      }
      await rename(target, path.join(old, name));
    }
    await rename(next, target);
  }
  for (const name of journal.remove) {
    const target = path.join(parent, name);
    if ((await exists(target)) && (await ownerOf(target)) === journal.owner) await rename(target, path.join(old, name));
  }
  // Done: the journal goes first, so a crash while deleting leaves an uncommitted (discardable) staging.
  await rm(path.join(staging, JOURNAL));
  await rm(staging, { recursive: true, force: true });
}

/** A folder name is one plain path segment: no separators, no `.`/`..`, not hidden. */
function checkName(name: string): void {
  if (!name || name.startsWith(".") || /[/\\\0]/.test(name)) throw new Error(`not a folder name protoship writes: ${JSON.stringify(name)}`);
}

async function readPid(staging: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(path.join(staging, OWNER), "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when a file or folder exists at `p`. */
export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The digest a cache entry stores with its content, so a read can prove it: SHA-256 of the entry's
 * `key` (what it was made from and for, as JSON) and its `content`. A reader recomputes it and
 * treats a mismatch — another key's entry copied over this one, a restored older cache, a
 * truncated or edited file — as a miss, and rebuilds the entry.
 */
export function cacheDigest(key: unknown, ...content: readonly (string | Uint8Array)[]): string {
  const hash = createHash("sha256").update(JSON.stringify(key));
  for (const part of content) hash.update("\n").update(part);
  return hash.digest("hex");
}

/**
 * Writes `data` to `file` through `temp` (default `<file>.tmp`) and a rename, so a reader never
 * sees half of it, without following a symbolic link out: a link planted at `temp` is removed (the
 * temporary file is then created exclusively, never opened through a link), and the rename
 * replaces a link at `file` itself rather than writing to its target.
 */
export async function writeFileReplacing(file: string, data: string | Uint8Array, temp = `${file}.tmp`): Promise<void> {
  await rm(temp, { force: true });
  await writeFile(temp, data, { flag: "wx" });
  await rename(temp, file);
}
