import { createHash } from "node:crypto";
import { closeSync, constants, openSync, readSync } from "node:fs";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import { CONFIG_FILE, parseConfigText } from "../config/load-config.js";
import { DEFAULTS } from "../config/defaults.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { ConfigError, ProtoshipError } from "../errors.js";
import { repoRelativePath } from "../fs/repo-path.js";
import { ignoredPaths, type RawChange, type Side } from "../git/diff.js";
import type { GitReader } from "../git/git.js";
import type { SchemaImage, SourceInfo } from "../schema/load-image.js";
import { MAX_CONFIG_BYTES } from "../yaml/config-yaml.js";
import { protoFilesOf, SideTree, type ProtoFile, type SideEntry } from "./file-set.js";
import type { RevisionTree } from "./revision-tree.js";
import { SCHEMA_PATHSPECS } from "./schema-inputs.js";
import { listCommit, listFolder, listIndex, listWorktree } from "./side-listing.js";

/** Where a snapshot's files come from. */
export type SnapshotSide = Side | { kind: "folder" };

/** buf configuration files an archive of the schema carries wherever they are (buf reads them). */
const BUF_FILES = new Set(["buf.yaml", "buf.lock", "buf.work.yaml"]);

/**
 * One side of the repository, read-only: the working tree (as git sees it: ignored files are not
 * part of it), the index, a commit, or a plain folder. The one place that decides which .proto
 * files buf compiles on that side and what their bytes are: git's rules (ignored files never,
 * symlinks as git stores them, followed only inside the repository) and buf's (module roots,
 * excludes, dot-folders and symlinked folders walked). Every command asks a Snapshot instead of
 * reading the disk or git itself: check compares two, generate, docs and release plan take one.
 */
export class Snapshot {
  /** The folder the side's paths are relative to (the repository root). */
  readonly root: string;
  readonly side: SnapshotSide;
  /** How messages name the side, e.g. `HEAD` or `the working tree`. */
  readonly label: string;
  private readonly repo: GitReader | undefined;
  private listed: Promise<SideTree> | undefined;
  private readonly bytes = new Map<string, Promise<Buffer | undefined>>();
  private ignoredSchema: Promise<string[]> | undefined;
  private readonly protoFiles = new WeakMap<BufWorkspace, Promise<ProtoFile[]>>();
  /** The index's differences from the working tree, when the caller asks for them (see {@link Snapshot.worktree}). */
  private readonly toWorktree: (() => Promise<readonly RawChange[] | undefined>) | undefined;

  private constructor(
    root: string,
    repo: GitReader | undefined,
    side: SnapshotSide,
    label: string,
    toWorktree?: () => Promise<readonly RawChange[] | undefined>,
  ) {
    this.root = root;
    this.repo = repo;
    this.side = side;
    this.label = label;
    this.toWorktree = toWorktree;
  }

  /**
   * The working tree of `repo`, less what git ignores. `toWorktree`: the index's differences from
   * it (git/diff.ts indexToWorktree, which tell its deleted files and the files it holds as
   * symlinks), asked when the side is listed, when the caller has them (undefined once settled:
   * git is asked, as without it).
   */
  static worktree(repo: GitReader, toWorktree?: () => Promise<readonly RawChange[] | undefined>): Snapshot {
    return new Snapshot(repo.root, repo, { kind: "worktree" }, "the working tree", toWorktree);
  }

  /** What `repo`'s index holds. */
  static index(repo: GitReader): Snapshot {
    return new Snapshot(repo.root, repo, { kind: "index" }, "the index");
  }

  /** `sha` (a commit id) as committed; `label` names it in messages. */
  static commit(repo: GitReader, sha: string, label: string): Snapshot {
    return new Snapshot(repo.root, repo, { kind: "commit", sha }, label);
  }

  /** One {@link Side} of `repo`. */
  static of(repo: GitReader, side: Side, label: string): Snapshot {
    return new Snapshot(repo.root, repo, side, label);
  }

  /** A folder that is not a repository: every file in it (less .git and node_modules). */
  static folder(dir: string): Snapshot {
    const root = path.resolve(dir);
    return new Snapshot(root, undefined, { kind: "folder" }, root);
  }

  /** The side's files and symlinks, listed once. */
  tree(): Promise<SideTree> {
    this.listed ??= this.list().then((entries) => new SideTree(entries));
    return this.listed;
  }

  /** The bytes of `file` on this side (symlinks followed as git stores them), or undefined when it has none. */
  async readBytes(file: string): Promise<Buffer | undefined> {
    const to = (await this.tree()).resolve(file);
    return to?.kind === "file" ? this.readReal(to.real) : undefined;
  }

  /** {@link readBytes} as UTF-8 text. */
  async readText(file: string): Promise<string | undefined> {
    return (await this.readBytes(file))?.toString("utf8");
  }

  /** protoship.yaml on this side, validated (defaults when there is none). */
  async config(): Promise<ProtoshipConfig> {
    const text = await this.readConfigText(CONFIG_FILE);
    if (text === undefined) return structuredClone(DEFAULTS) as ProtoshipConfig;
    return parseConfigText(text, CONFIG_FILE);
  }

  /** The buf workspace at `bufYaml` (repository-relative) on this side. */
  async bufWorkspace(bufYaml: string): Promise<BufWorkspace> {
    const configFile = repoRelativePath(bufYaml, { label: "bufYaml" });
    const { parseBufWorkspace } = await import("../buf/buf-config.js");
    return parseBufWorkspace(await this.readConfigText(configFile), configFile);
  }

  /**
   * The .proto files buf compiles in `workspace` on this side: the one file set every command
   * uses. Worked out once per workspace (a walk of thousands of entries) and shared by every caller,
   * which must not change the array.
   */
  listProtoFiles(workspace: BufWorkspace): Promise<ProtoFile[]> {
    let files = this.protoFiles.get(workspace);
    if (!files) {
      files = this.tree().then((tree) => protoFilesOf(tree, workspace));
      this.protoFiles.set(workspace, files);
    }
    return files;
  }

  /**
   * A digest of every input of a compile of `workspace` on this side: each .proto buf compiles
   * (its path as buf sees it and its bytes) and `extraFiles` (configuration; an absent one counts
   * by its name). Equal means buf would be given the same bytes under the same names.
   */
  async digest(workspace: BufWorkspace, extraFiles: readonly string[]): Promise<string> {
    return (await this.scan(workspace, extraFiles)).digest;
  }

  /**
   * {@link digest} and, from the same read of each file, what {@link filterFiles} gives for
   * `workspace`'s .proto files ({@link listProtoFiles}) and `test`: a run that needs both reads
   * the module once. `test` must not keep the buffer it is given.
   */
  digestAndFilter(
    workspace: BufWorkspace,
    extraFiles: readonly string[],
    test: (bytes: Buffer) => boolean,
  ): Promise<{ digest: string; kept: ProtoFile[] }> {
    return this.scan(workspace, extraFiles, test);
  }

  private async scan(
    workspace: BufWorkspace,
    extraFiles: readonly string[],
    test?: (bytes: Buffer) => boolean,
  ): Promise<{ digest: string; kept: ProtoFile[] }> {
    const files = await this.listProtoFiles(workspace);
    const hash = createHash("sha256");
    const entries = [...files.map((f) => [f.path, f] as const), ...extraFiles.map((f) => [f, undefined] as const)];
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const tree = await this.tree();
    const passed = new Set<ProtoFile>();
    const onDisk = this.side.kind === "worktree" || this.side.kind === "folder";
    for (const [name, file] of entries) {
      hash.update(`\0${name}\0`);
      const real =
        file?.source ??
        (() => {
          const to = tree.resolve(name);
          return to?.kind === "file" ? to.real : undefined;
        })();
      if (real === undefined) continue;
      const bytes = onDisk ? readShared(path.join(this.root, ...real.split("/")), { throwOnRead: true }) : await this.readReal(real);
      if (!bytes) continue;
      hash.update(bytes);
      if (file && test?.(bytes)) passed.add(file);
    }
    return { digest: hash.digest("hex"), kept: files.filter((f) => passed.has(f)) };
  }

  /**
   * What `workspace`'s schema is made of on this side, cheaply: on a git side the paths and blob
   * ids of its .proto and buf configuration files (nothing is read), else their {@link digest}.
   * Two sides with equal keys give buf the same input.
   */
  async schemaKey(workspace: BufWorkspace): Promise<string> {
    const config = [workspace.configFile, ...workspace.configFiles];
    if (this.side.kind !== "commit" && this.side.kind !== "index") return this.digest(workspace, config);
    const tree = await this.tree();
    const idOf = (file: string): string => {
      const to = tree.resolve(file);
      return (to?.kind === "file" && tree.entry(to.real)?.id) || "-";
    };
    const files = (await this.listProtoFiles(workspace)).map((f) => `${f.path}\0${f.id ?? "-"}`);
    return [...files, ...config.map((f) => `${f}\0${idOf(f)}`)].join("\n");
  }

  /**
   * `workspace`'s schema on this side as a tar archive for buf: every .proto buf compiles, under
   * the path buf sees (a file reached through a symlink is a regular file there), and the buf
   * configuration files.
   */
  async archive(workspace: BufWorkspace): Promise<Buffer> {
    const tree = await this.tree();
    const files = await this.listProtoFiles(workspace);
    const config = [workspace.configFile, ...workspace.configFiles, ...tree.paths().filter((p) => BUF_FILES.has(path.posix.basename(p)))];
    const named = new Map<string, string>(files.map((f) => [f.path, f.source]));
    for (const file of config) {
      const to = tree.resolve(file);
      if (to?.kind === "file" && !named.has(file)) named.set(file, to.real);
    }
    const blobs = await this.readMany([...new Set(named.values())]);
    const { pack } = await import("tar-stream");
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve, reject) => archive.on("end", resolve).on("error", reject));
    for (const [name, real] of [...named].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const bytes = blobs.get(real);
      if (bytes) archive.entry({ name, mode: 0o644 }, bytes);
    }
    archive.finalize();
    await done;
    return Buffer.concat(chunks);
  }

  /**
   * Those of `files` (this side's: {@link listProtoFiles}) whose bytes pass `test`: each file is
   * read and let go before the next (the working tree's and a folder's from disk, a git side's
   * in batches of blobs), so a search of a whole module never holds it. `test` must not keep the
   * buffer it is given (it is reused).
   */
  async filterFiles(files: readonly ProtoFile[], test: (bytes: Buffer) => boolean): Promise<ProtoFile[]> {
    if (this.side.kind === "worktree" || this.side.kind === "folder") {
      return files.filter((f) => {
        const bytes = readShared(path.join(this.root, ...f.source.split("/")));
        return bytes !== undefined && test(bytes);
      });
    }
    const kept: ProtoFile[] = [];
    for (let i = 0; i < files.length; i += BLOB_BATCH) {
      const batch = files.slice(i, i + BLOB_BATCH);
      const blobs = await this.readMany(batch.map((f) => f.source));
      for (const f of batch) {
        const bytes = blobs.get(f.source);
        if (bytes && test(bytes)) kept.push(f);
      }
    }
    return kept;
  }

  /**
   * A folder in which buf, given `workspace`, sees exactly this side's .proto files: the working
   * tree itself, or an overlay of it that hides what git ignores (revision-tree.ts materialize),
   * so buf can compile a few files in place instead of an {@link archive} of all of them.
   * Undefined for another side, or when buf would reach a symlink of the working tree (buf
   * follows one wherever it leads; this side, only inside the repository). Dispose of it after use.
   */
  async bufFolder(workspace: BufWorkspace): Promise<RevisionTree | undefined> {
    if (this.side.kind !== "worktree" || !this.repo) return undefined;
    const within = workspace.modules;
    const { materialize, visibleToBuf } = await import("./revision-tree.js");
    if ((await this.tree()).links().some((l) => visibleToBuf(l.path, within))) return undefined;
    const ignored = await this.ignoredSchemaEntries();
    return materialize(this.repo, this.side, SCHEMA_PATHSPECS, [], undefined, { within, ...(ignored ? { ignored } : {}) });
  }

  /**
   * The working tree's ignored schema entries (git's ignored .proto and buf files, and whole ignored
   * folders), listed once: what {@link bufFolder} hides. A command that will ask for a bufFolder
   * may ask for these first, so git lists them beside its other work. Undefined on another side.
   */
  ignoredSchemaEntries(): Promise<string[]> | undefined {
    const { repo } = this;
    if (this.side.kind !== "worktree" || !repo) return undefined;
    this.ignoredSchema ??= ignoredPaths(repo, SCHEMA_PATHSPECS);
    return this.ignoredSchema;
  }

  /**
   * `workspace`'s schema on this side compiled by buf from {@link archive}: nothing else of the disk
   * is read. With `paths` (relative to the workspace folder), only those files and their imports.
   */
  async image(workspace: BufWorkspace, options: { sourceInfo?: SourceInfo; paths?: readonly string[] } = {}): Promise<SchemaImage> {
    const { loadArchiveImage } = await import("../schema/load-image.js");
    return loadArchiveImage(await this.archive(workspace), {
      ...(workspace.dir ? { workspaceDir: workspace.dir } : {}),
      ...(options.sourceInfo ? { sourceInfo: options.sourceInfo } : {}),
      ...(options.paths ? { paths: options.paths } : {}),
    });
  }

  private list(): Promise<SideEntry[]> {
    const { repo, side } = this;
    if (side.kind === "folder" || !repo) return listFolder(this.root);
    if (side.kind === "worktree") return listWorktree(repo, this.toWorktree?.());
    if (side.kind === "index") return listIndex(repo);
    return listCommit(repo, side.sha);
  }

  private async readConfigText(file: string): Promise<string | undefined> {
    const bytes = await this.readBytes(file);
    if (bytes && bytes.length > MAX_CONFIG_BYTES) {
      throw new ConfigError(`${file}: ${bytes.length} bytes, over the ${MAX_CONFIG_BYTES / 2 ** 20} MiB limit for configuration files`);
    }
    return bytes?.toString("utf8");
  }

  /** The bytes of the regular file at `real` (a path no symlink leads through), read once. */
  private readReal(real: string): Promise<Buffer | undefined> {
    let bytes = this.bytes.get(real);
    if (!bytes) {
      bytes = this.readMany([real]).then((m) => m.get(real));
      this.bytes.set(real, bytes);
    }
    return bytes;
  }

  /** The bytes of many regular files: one `git cat-file --batch` for a git side, the disk otherwise. */
  private async readMany(reals: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const tree = await this.tree();
    if (this.side.kind === "commit" || this.side.kind === "index") {
      const ids = new Map(reals.flatMap((r) => (tree.entry(r)?.id ? [[r, tree.entry(r)!.id!] as const] : [])));
      const blobs = await this.repo!.readBlobs([...ids.values()]);
      for (const [real, id] of ids) {
        const bytes = blobs.get(id);
        if (bytes) out.set(real, bytes);
      }
      return out;
    }
    const { readFile } = await import("node:fs/promises");
    await Promise.all(
      reals.map(async (real) => {
        const file = path.join(this.root, ...real.split("/"));
        const bytes = await readFile(file, { flag: REGULAR_FILE }).catch((error: unknown) => refuseUnlistedLink(error, file));
        if (bytes) out.set(real, bytes);
      }),
    );
    return out;
  }
}

/**
 * How a file the side's listing names as a regular file is opened on the disk: never through a
 * symlink in its place, which git does not know of yet (a tracked file replaced by a link and not
 * staged) and which could lead anywhere, outside the repository included.
 */
const REGULAR_FILE = constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * Throws, as the user's to fix (exit 2), the error of opening `file` with {@link REGULAR_FILE}
 * when it is a symlink (ELOOP); returns undefined for any other error.
 */
function refuseUnlistedLink(error: unknown, file: string): undefined {
  if ((error as NodeJS.ErrnoException).code !== "ELOOP") return undefined;
  throw new ProtoshipError(
    `${JSON.stringify(path.relative(process.cwd(), file) || file)} is a symlink on the disk where git has a regular file (a change not staged): protoship reads the working tree as git would store it, and does not follow a link it does not know of`,
    { hint: "stage it (git add) if the link is meant to be committed, or restore the file (git restore)" },
  );
}

/** Blobs read at once by {@link Snapshot.filterFiles} on a git side. */
const BLOB_BATCH = 512;
const shared = Buffer.allocUnsafe(1024 * 1024);

/**
 * A file's bytes, read synchronously into one buffer reused by the next call (thousands of small
 * reads are several times faster without the thread pool's round trips); undefined when it cannot
 * be opened, or read (unless `throwOnRead`: a digest must not take a file it could not read for a
 * missing one). A file larger than that buffer gets one of its own (let go with it), so one large
 * file does not keep megabytes for the rest of the process.
 */
function readShared(file: string, options: { throwOnRead?: boolean } = {}): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, REGULAR_FILE);
  } catch (error) {
    refuseUnlistedLink(error, file);
    return undefined;
  }
  try {
    let bytes = shared;
    let length = 0;
    for (;;) {
      if (length === bytes.length) {
        const grown = Buffer.allocUnsafe(bytes.length * 2);
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      const n = readSync(fd, bytes, length, bytes.length - length, null);
      if (n === 0) return bytes.subarray(0, length);
      length += n;
    }
  } catch (error) {
    if (options.throwOnRead) throw error;
    return undefined;
  } finally {
    closeSync(fd);
  }
}
