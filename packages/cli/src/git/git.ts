import type { SimpleGit } from "simple-git";
import { EnvironmentError, InternalError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";
import { runProcess } from "../process/run-process.js";

/** The id of git's empty tree: the "base" of a repository's first commit. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/** git's all-zero object id, used by hooks for "no such ref". */
export const ZERO_SHA = /^0+$/;

/**
 * A repository, addressed by its top-level folder. All calls pass arguments as arrays (never a
 * shell string) and end options with `--` before any path or ref that came from outside, so a
 * file or branch named `--upload-pack=…` is only ever a name.
 */
export class GitRepo {
  readonly root: string;
  private simple: Promise<SimpleGit> | undefined;

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
   * Runs git with raw arguments and returns stdout, through simple-git: the commands that change
   * things (fetch, tag, push). simple-git is imported on first use, so a check never loads it.
   */
  async raw(args: readonly string[]): Promise<string> {
    this.simple ??= import("simple-git").then(({ simpleGit }) => simpleGit({ baseDir: this.root, config: ["core.quotePath=false"] }));
    return (await this.simple).raw([...args]);
  }

  /**
   * Runs a read-only git query and returns stdout; rejects with git's message (stderr) when git
   * exits non-zero. Queries bypass simple-git on purpose: its completion detection waits 50 ms
   * after any command that printed nothing, and "no changes", "no untracked files" or "no such
   * ref" are the common answers here; four of those would be a quarter of the pre-push budget.
   */
  query(args: readonly string[]): Promise<string> {
    return this.queryBytes(args).then((out) => out.toString("utf8"));
  }

  /** {@link query}, returning the bytes (file contents at a revision). */
  queryBytes(args: readonly string[]): Promise<Buffer> {
    return runGit(this.root, ["-c", "core.quotePath=false", ...args]);
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
    const out = await runGit(this.root, ["cat-file", "--batch-check=%(objectname)"], Buffer.from(shas.map((s) => `${s}\n`).join("")));
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

  /** Reads many blobs by id in one `git cat-file --batch`; no file name ever reaches git's input. */
  async readBlobs(shas: readonly string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(shas)];
    const blobs = new Map<string, Buffer>();
    if (unique.length === 0) return blobs;
    const out = await runGit(this.root, ["cat-file", "--batch"], Buffer.from(unique.map((s) => `${s}\n`).join("")));
    let at = 0;
    for (const sha of unique) {
      const eol = out.indexOf(0x0a, at);
      const header = out.subarray(at, eol).toString("utf8").split(" ");
      if (header[1] !== "blob" || eol < 0) throw new InternalError(`git cat-file: ${sha} is not a blob (${header.join(" ")})`);
      const size = Number(header[2]);
      blobs.set(sha, out.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
    }
    return blobs;
  }

  /** The symbolic name of HEAD's branch, or undefined when detached or unborn. */
  async currentBranch(): Promise<string | undefined> {
    try {
      const name = (await this.query(["symbolic-ref", "--quiet", "--short", "HEAD"])).trim();
      return name || undefined;
    } catch {
      return undefined;
    }
  }
}

/** Runs git in `cwd` and resolves with stdout; a non-zero exit rejects with git's message (stderr). */
async function runGit(cwd: string, args: readonly string[], input?: Buffer): Promise<Buffer> {
  const r = await runProcess("git", args, { cwd, what: "git", hint: "install git", ...(input ? { input } : {}) });
  if (r.code === 0) return r.stdout;
  throw new InternalError(outputMessage(r.stderr, `git ${args.join(" ")} exited with ${r.code}`));
}
