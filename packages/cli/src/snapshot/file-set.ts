import path from "node:path";
import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";

/** One entry of a side as git stores it: a file, or a symlink with the text of its target. */
export interface SideEntry {
  /** Repository-relative path, forward slashes; never through a symlink (git stores none so). */
  path: string;
  /** The symlink's target as stored (git's blob of a 120000 entry); absent for a regular file. */
  link?: string;
  /** git's object id of the content, when git has it (a commit, the index); absent for a working-tree file. */
  id?: string;
  /** A working-tree file git does not track (nor ignore). */
  untracked?: boolean;
}

/** A .proto file buf compiles on a side: the path buf sees and the entry that holds its bytes. */
export interface ProtoFile {
  /** The path as buf sees it (through any symlinks on the way), repository-relative. */
  path: string;
  /** The path of the regular file holding the bytes: `path` itself unless a symlink leads there. */
  source: string;
  /** git's object id of the bytes, when known (see {@link SideEntry.id}). */
  id?: string;
}

/** What a path leads to on a side, symlinks followed: a file or a folder, by its real path. */
type Resolved = { kind: "file"; real: string } | { kind: "dir"; real: string };

/** Deeper than this, a chain of symlinks is a loop (the kernel's limit is 40). */
const MAX_LINKS = 40;

/**
 * The files and folders of one side and how its symlinks resolve, as git stores them: a symlink
 * is followed when its target stays inside the repository (and out of `.git`) and exists on the
 * same side; an absolute target, one leaving the repository, or a dangling one leads nowhere.
 * Pure: built from a listing, reads nothing.
 */
export class SideTree {
  private readonly entries = new Map<string, SideEntry>();
  private folders: Map<string, Set<string>> | undefined;
  /** Whether any entry is a symlink: without one, a folder's files are the entries under it. */
  private readonly linked: boolean;
  /** The untracked paths, in the order of the entries (noted while they are read: thousands of entries are not filtered again). */
  private readonly untrackedPaths: string[] = [];

  constructor(entries: Iterable<SideEntry>) {
    let linked = false;
    for (const entry of entries) {
      if (!isRepoPath(entry.path)) continue;
      if (entry.untracked && !this.entries.has(entry.path)) this.untrackedPaths.push(entry.path);
      this.entries.set(entry.path, entry);
      linked ||= entry.link !== undefined;
    }
    this.linked = linked;
  }

  /** Each folder's names, built on first use in one pass: a folder already known has its parents too. */
  private get dirs(): Map<string, Set<string>> {
    if (this.folders) return this.folders;
    const dirs = new Map<string, Set<string>>([["", new Set()]]);
    for (const file of this.entries.keys()) {
      for (let p = file; ; ) {
        const slash = p.lastIndexOf("/");
        const dir = slash < 0 ? "" : p.slice(0, slash);
        const known = dirs.get(dir);
        if (known) {
          known.add(p.slice(slash + 1));
          break;
        }
        dirs.set(dir, new Set([p.slice(slash + 1)]));
        p = dir;
      }
    }
    this.folders = dirs;
    return dirs;
  }

  /** The entry stored at `file` (no symlink followed). */
  entry(file: string): SideEntry | undefined {
    return this.entries.get(file);
  }

  /** Every path the side stores (files and symlinks). */
  paths(): string[] {
    return [...this.entries.keys()];
  }

  /** Every untracked path of the side (the working tree's files git neither tracks nor ignores). */
  untracked(): string[] {
    return this.untrackedPaths.filter((p) => this.entries.get(p)?.untracked);
  }

  /** Whether the side holds any symlink. */
  get hasLinks(): boolean {
    return this.linked;
  }

  /** Every symlink of the side. */
  links(): SideEntry[] {
    return [...this.entries.values()].filter((e) => e.link !== undefined);
  }

  /** What `p` leads to, symlinks on the way followed; undefined when nothing (or outside the repository). */
  resolve(p: string, depth = 0): Resolved | undefined {
    if (depth > MAX_LINKS) return undefined;
    let real = "";
    const parts = p.split("/").filter((s) => s !== "" && s !== ".");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const candidate = part === ".." ? parentOf(real) : real ? `${real}/${part}` : part;
      if (candidate === undefined) return undefined;
      const entry = this.entries.get(candidate);
      const last = i === parts.length - 1;
      if (entry?.link !== undefined) {
        const target = linkTarget(candidate, entry.link);
        const to = target === undefined ? undefined : this.resolve(target, depth + 1);
        if (!to || (!last && to.kind !== "dir")) return undefined;
        if (last) return to;
        real = to.real;
      } else if (entry) {
        return last ? { kind: "file", real: candidate } : undefined;
      } else if (this.dirs.has(candidate)) {
        real = candidate;
      } else {
        return undefined;
      }
    }
    return { kind: "dir", real };
  }

  /**
   * The .proto files buf finds walking the folder `root` (repository-relative, "" for the root),
   * as buf walks a module: every sub-folder (dot-folders too), every symlink followed (a folder
   * already on the way is not walked again). Paths are as buf sees them.
   */
  protoFilesUnder(root: string): ProtoFile[] {
    if (!this.linked && (root === "" || root.split("/").every((part) => part !== "" && part !== "." && part !== ".."))) {
      return this.filesUnder(root);
    }
    const start = this.resolve(root);
    if (start?.kind !== "dir") return [];
    const found: ProtoFile[] = [];
    const walk = (seen: string, real: string, onTheWay: ReadonlySet<string>): void => {
      for (const name of [...(this.dirs.get(real) ?? [])].sort()) {
        const at = seen ? `${seen}/${name}` : name;
        const to = this.child(real, name);
        if (to?.kind === "file") {
          if (name.endsWith(".proto")) {
            const id = this.entries.get(to.real)?.id;
            found.push({ path: at, source: to.real, ...(id ? { id } : {}) });
          }
        } else if (to?.kind === "dir" && !onTheWay.has(to.real)) {
          walk(at, to.real, new Set([...onTheWay, to.real]));
        }
      }
    };
    walk(root, start.real, new Set([start.real]));
    return found;
  }

  /**
   * {@link protoFilesUnder} on a side without symlinks, from a normalised folder ("" or a path
   * without `.`, `..` or empty parts): every entry is a file at its own path, so the walk finds
   * exactly the entries whose path is under the folder (git stores no name as both a file and a
   * folder). In the order of the entries.
   */
  private filesUnder(root: string): ProtoFile[] {
    const prefix = root === "" ? "" : `${root}/`;
    const found: ProtoFile[] = [];
    for (const [file, entry] of this.entries) {
      if (!file.endsWith(".proto") || !file.startsWith(prefix)) continue;
      found.push(entry.id ? { path: file, source: file, id: entry.id } : { path: file, source: file });
    }
    return found;
  }

  /**
   * {@link resolve} of `name` in the real folder `real` (a path no symlink leads through, as
   * resolve returns it): only a symlink needs the whole path walked again.
   */
  private child(real: string, name: string): Resolved | undefined {
    const candidate = real ? `${real}/${name}` : name;
    const entry = this.entries.get(candidate);
    if (entry?.link !== undefined) return this.resolve(candidate);
    if (entry) return { kind: "file", real: candidate };
    return this.dirs.has(candidate) ? { kind: "dir", real: candidate } : undefined;
  }
}

/**
 * The .proto files buf compiles in `workspace` on the side `tree`: each module's folder walked as
 * buf walks it, less its excludes, each file in the first module that takes it (as buf.yaml
 * orders them). Sorted by path.
 */
export function protoFilesOf(tree: SideTree, workspace: BufWorkspace): ProtoFile[] {
  const files = new Map<string, ProtoFile>();
  for (const module of workspace.modules) {
    for (const file of tree.protoFilesUnder(module.root)) {
      if (!files.has(file.path) && moduleOf(workspace, file.path) === module) files.set(file.path, file);
    }
  }
  // Strings sort natively by code unit, as `<` compares them (thousands of calls to a comparator cost more).
  return [...files.keys()].sort().map((p) => files.get(p)!);
}

/**
 * The repository path a symlink at `at` with target `link` names, resolved lexically from the
 * link's folder; undefined for an absolute target or one leaving the repository or entering .git.
 */
export function linkTarget(at: string, link: string): string | undefined {
  if (path.posix.isAbsolute(link) || link.includes("\\") || link.includes("\0")) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(at), link));
  if (joined === ".") return "";
  return isRepoPath(joined) ? joined.replace(/\/$/, "") : undefined;
}

function isRepoPath(p: string): boolean {
  // The pattern runs only on a path holding "..": a listing's thousands of paths seldom do.
  return p !== "" && !p.startsWith("/") && p !== ".git" && !p.startsWith(".git/") && !(p.includes("..") && /(^|\/)\.\.(\/|$)/.test(p));
}

function parentOf(real: string): string | undefined {
  if (real === "") return undefined;
  const i = real.lastIndexOf("/");
  return i < 0 ? "" : real.slice(0, i);
}

/**
 * The .proto files that differ between two sides' file sets (git sides: compared by blob id and
 * by the file holding the bytes), as git's status letters: A only on `head`, D only on `base`, M.
 */
export function changedProtoFiles(base: readonly ProtoFile[], head: readonly ProtoFile[]): { path: string; status: string }[] {
  const before = new Map(base.map((f) => [f.path, f]));
  const after = new Map(head.map((f) => [f.path, f]));
  const changed: { path: string; status: string }[] = [];
  for (const f of head) {
    const old = before.get(f.path);
    if (!old) changed.push({ path: f.path, status: "A" });
    else if (old.id === undefined || f.id === undefined || old.id !== f.id) changed.push({ path: f.path, status: "M" });
  }
  for (const f of base) if (!after.has(f.path)) changed.push({ path: f.path, status: "D" });
  return changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
