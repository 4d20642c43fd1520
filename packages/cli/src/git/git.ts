import { EnvironmentError, InternalError } from "../errors.js";
import { runGit } from "./run-git.js";

/** The id of git's empty tree: the "base" of a repository's first commit. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/** git's all-zero object id, used by hooks for "no such ref". */
export const ZERO_SHA = /^0+$/;

/**
 * What protoship reads from a repository: queries that change no ref, index, working tree,
 * configuration or remote. A function given a GitReader cannot change the repository.
 */
export interface GitReader {
  /** The repository's top-level folder. */
  readonly root: string;
  query(args: readonly string[]): Promise<string>;
  queryBytes(args: readonly string[]): Promise<Buffer>;
  resolveCommit(rev: string): Promise<string | undefined>;
  hasObject(sha: string): Promise<boolean>;
  missingObjects(shas: readonly string[]): Promise<Set<string>>;
  isShallow(): Promise<boolean>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  readBlob(rev: string, file: string): Promise<Buffer>;
  readBlobs(shas: readonly string[]): Promise<Map<string, Buffer>>;
  readObjects(ids: readonly string[]): Promise<Map<string, Buffer>>;
  currentBranch(): Promise<string | undefined>;
  symbolicRef(ref: string): Promise<string | undefined>;
  branchNameAccepted(name: string): Promise<boolean>;
  gitPaths(): Promise<{ hooks: string; commonDir: string }>;
  remoteNames(): Promise<string[]>;
  configValue(key: string): Promise<string | undefined>;
}

/** A repository protoship may also change: tags, fetches, pushes ({@link GitRepo.change}). */
export interface GitWriter extends GitReader {
  change(args: readonly string[]): Promise<string>;
}

/**
 * A repository, addressed by its top-level folder: the one owner of git (every git command line
 * is built in git/). All calls pass arguments as arrays (never a shell string) and end options
 * with `--` (or `--end-of-options`) before any path or ref that came from outside, so a file or
 * branch named `--upload-pack=…` is only ever a name.
 */
export class GitRepo implements GitWriter {
  readonly root: string;
  /** Queries started ahead of their first use ({@link prefetch}), by their arguments. */
  private readonly prefetched = new Map<string, Promise<Buffer>>();

  private constructor(root: string) {
    this.root = root;
  }

  /** Finds the repository containing `cwd`. */
  static async open(cwd: string): Promise<GitRepo> {
    let top: string;
    try {
      top = (await runGit(cwd, ["rev-parse", "--show-toplevel"])).toString("utf8").trim();
    } catch (error) {
      if (error instanceof EnvironmentError) throw error;
      throw new EnvironmentError(`${cwd} is not inside a git repository`, "run protoship in a git repository or pass -C <dir>", error);
    }
    return new GitRepo(top);
  }

  /**
   * Runs a git command that changes things (tag, fetch, push) and returns stdout; rejects with a
   * GitCommandError holding everything git printed, as printed.
   */
  async change(args: readonly string[]): Promise<string> {
    return (await runGit(this.root, withPlainPaths(args), { style: "as-printed" })).toString("utf8");
  }

  /**
   * Runs a read-only git query and returns stdout; rejects with git's message (stderr, one line)
   * when git exits non-zero. git is started directly (run-git.ts), with nothing waiting after a
   * command that printed nothing: "no changes", "no untracked files" and "no such ref" are the
   * common answers on the pre-push path.
   */
  query(args: readonly string[]): Promise<string> {
    return this.queryBytes(args).then((out) => out.toString("utf8"));
  }

  /** {@link query}, returning the bytes (file contents at a revision). */
  queryBytes(args: readonly string[]): Promise<Buffer> {
    const key = args.join("\0");
    const started = this.prefetched.get(key);
    if (started) {
      this.prefetched.delete(key);
      return started;
    }
    return runGit(this.root, withPlainPaths(args));
  }

  /**
   * Starts read-only queries before the code that asks them is loaded: the next {@link query}
   * (or queryBytes) with the same arguments takes the answer (once; a later one asks git again).
   * A query nobody asks is git's work lost, never a wrong answer: each one is read-only and its
   * answer is taken as if asked then.
   */
  prefetch(queries: readonly (readonly string[])[]): void {
    for (const args of queries) {
      const key = args.join("\0");
      if (this.prefetched.has(key)) continue;
      const answer = runGit(this.root, withPlainPaths(args));
      answer.catch(() => {}); // the asker gets the failure
      this.prefetched.set(key, answer);
    }
  }

  /** Resolves a revision to a commit id, or undefined when it does not exist. */
  async resolveCommit(rev: string): Promise<string | undefined> {
    try {
      return (await this.query(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async hasObject(sha: string): Promise<boolean> {
    try {
      await this.query(["cat-file", "-e", `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  /** Which of the object ids `shas` this repository does not have, in one `git cat-file --batch-check`. */
  async missingObjects(shas: readonly string[]): Promise<Set<string>> {
    const input = Buffer.from(shas.map((s) => `${s}\n`).join(""));
    const out = await runGit(this.root, ["cat-file", "--batch-check=%(objectname)"], { input });
    const answers = out.toString("utf8").split("\n");
    return new Set(shas.filter((_, i) => answers[i] !== shas[i]));
  }

  async isShallow(): Promise<boolean> {
    return (await this.query(["rev-parse", "--is-shallow-repository"])).trim() === "true";
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.query(["merge-base", a, b])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Reads a file's bytes at a commit. */
  async readBlob(rev: string, file: string): Promise<Buffer> {
    return this.queryBytes(["cat-file", "blob", `${rev}:${file}`]);
  }

  /** Reads many blobs by id in one `git cat-file --batch` (see {@link readObjects}); an id naming anything else is a bug. */
  async readBlobs(shas: readonly string[]): Promise<Map<string, Buffer>> {
    const objects = await this.readTypedObjects(shas);
    const blobs = new Map<string, Buffer>();
    for (const [sha, { type, body }] of objects) {
      if (type !== "blob") throw new InternalError(`git cat-file: ${sha} is not a blob (${type})`);
      blobs.set(sha, body);
    }
    return blobs;
  }

  /**
   * Reads git objects by id in one `git cat-file --batch` call and returns id → content (the raw
   * object body: a blob's bytes, a tag's headers and message). The output is length-prefixed, so
   * no byte of any content can be mistaken for a separator, and no file name ever reaches git's
   * input. A missing object is the user's environment (a shallow or partial clone).
   */
  async readObjects(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const objects = await this.readTypedObjects(ids);
    return new Map([...objects].map(([id, { body }]) => [id, body]));
  }

  private async readTypedObjects(ids: readonly string[]): Promise<Map<string, { type: string; body: Buffer }>> {
    const wanted = [...new Set(ids)];
    const objects = new Map<string, { type: string; body: Buffer }>();
    if (wanted.length === 0) return objects;
    let out: Buffer;
    try {
      out = await runGit(this.root, ["cat-file", "--batch"], { input: Buffer.from(`${wanted.join("\n")}\n`) });
    } catch (error) {
      throw new EnvironmentError(`git cat-file --batch failed: ${(error as Error).message}`, undefined, error);
    }
    let at = 0;
    for (const id of wanted) {
      const eol = out.indexOf(0x0a, at);
      const header = out.subarray(at, eol).toString("utf8").split(" ");
      if (eol < 0 || header[1] === "missing" || header.length !== 3) {
        throw new EnvironmentError(`git object ${id} is missing from the repository`, "fetch it (git fetch) and run again");
      }
      const size = Number(header[2]);
      objects.set(id, { type: header[1]!, body: out.subarray(eol + 1, eol + 1 + size) });
      at = eol + 1 + size + 1; // content, then a newline
    }
    return objects;
  }

  /** The names of the configured remotes (`git remote`). */
  async remoteNames(): Promise<string[]> {
    return (await this.query(["remote"]))
      .split("\n")
      .map((r) => r.trim())
      .filter(Boolean);
  }

  /** A configuration value as configured (`git config --get`), undefined when unset. */
  async configValue(key: string): Promise<string | undefined> {
    try {
      return (await this.query(["config", "--get", key])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The symbolic name of HEAD's branch, or undefined when detached or unborn. */
  currentBranch(): Promise<string | undefined> {
    return this.symbolicRef("HEAD");
  }

  /** The short name a symbolic ref (HEAD, refs/remotes/origin/HEAD) points at, or undefined when it is none. */
  async symbolicRef(ref: string): Promise<string | undefined> {
    try {
      return (await this.query(["symbolic-ref", "--quiet", "--short", ref])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether git takes `name` as it is for a branch name (`git check-ref-format --branch`). */
  async branchNameAccepted(name: string): Promise<boolean> {
    try {
      return (await this.query(["check-ref-format", "--branch", name])).trim() === name;
    } catch {
      return false;
    }
  }

  /** The hooks folder (core.hooksPath and worktrees applied) and the common git folder, as git prints them (relative to the root, or absolute). */
  async gitPaths(): Promise<{ hooks: string; commonDir: string }> {
    const [hooks, commonDir] = await Promise.all([
      this.query(["rev-parse", "--git-path", "hooks"]),
      this.query(["rev-parse", "--git-common-dir"]),
    ]);
    return { hooks: hooks.trim(), commonDir: commonDir.trim() };
  }
}

/** git's arguments with paths printed as they are (no octal quoting of non-ASCII names), as every GitRepo command runs. */
function withPlainPaths(args: readonly string[]): string[] {
  return ["-c", "core.quotePath=false", ...args];
}
