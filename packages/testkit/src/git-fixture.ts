import { execFile, spawn } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile, readFile, cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The monorepo root, found from this file. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The protoship CLI entry point (built JavaScript, as users run it). */
export const PROTOSHIP_BIN = path.join(REPO_ROOT, "packages/cli/bin/protoship.js");

/** A result of running a process. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The test process's environment without what a package manager adds when it runs a script
 * (`npm_config_user_agent`, `npm_*`, `pnpm_*`, `INIT_CWD`): programs under test run as a user would
 * start them from a shell, not as children of the `pnpm test` that started the suite.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|INIT_CWD$)/i.test(k)));
}

/** Runs a command with an argument array; never throws on a non-zero exit. */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { cwd: options.cwd, env: { ...cleanEnv(), ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // A program may exit without reading its input (EPIPE): its exit code and output still tell.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** Runs the protoship CLI in a folder. */
export function protoship(cwd: string, args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(process.execPath, [PROTOSHIP_BIN, ...args], { cwd, ...(input !== undefined ? { input } : {}), ...(env ? { env } : {}) });
}

/** A temporary folder removed by dispose(). */
export async function tempDir(prefix = "protoship-test-"): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A real git repository in a temporary folder, with helpers to write files and commit. */
export class GitFixture {
  private constructor(readonly dir: string) {}

  /** Creates an empty repository on branch main with a fixed identity. */
  static async init(dir: string, options: { bare?: boolean } = {}): Promise<GitFixture> {
    await mkdir(dir, { recursive: true });
    await execFileAsync("git", ["init", "-q", "-b", "main", ...(options.bare ? ["--bare"] : []), dir]);
    const repo = new GitFixture(dir);
    if (!options.bare) {
      await repo.git("config", "user.email", "test@protoship.invalid");
      await repo.git("config", "user.name", "protoship test");
      await repo.git("config", "commit.gpgsign", "false");
    }
    return repo;
  }

  /** Clones a repository (e.g. a bare remote) into `dir`. */
  static async clone(source: string, dir: string, extra: readonly string[] = []): Promise<GitFixture> {
    await execFileAsync("git", ["clone", "-q", ...extra, source, dir]);
    const repo = new GitFixture(dir);
    await repo.git("config", "user.email", "test@protoship.invalid");
    await repo.git("config", "user.name", "protoship test");
    return repo;
  }

  /** Runs git and returns trimmed stdout; throws with stderr on failure. */
  async git(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync("git", args, { cwd: this.dir, maxBuffer: 64 << 20 });
    return stdout.trim();
  }

  /** Runs git without throwing. */
  gitResult(args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
    return run("git", args, { cwd: this.dir, ...(input !== undefined ? { input } : {}), ...(env ? { env } : {}) });
  }

  async write(file: string, content: string): Promise<void> {
    const target = path.join(this.dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }

  read(file: string): Promise<string> {
    return readFile(path.join(this.dir, file), "utf8");
  }

  async remove(file: string): Promise<void> {
    await rm(path.join(this.dir, file), { force: true });
  }

  /** Stages everything and commits; returns the new commit id. */
  async commitAll(message: string): Promise<string> {
    await this.git("add", "-A");
    await this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  /**
   * Copies the monorepo's bundled protos, buf.yaml and protoship.yaml (stub scope `@mesh`) into
   * this repository.
   */
  async addBundledProtos(): Promise<void> {
    await cp(path.join(REPO_ROOT, "protos"), path.join(this.dir, "protos"), { recursive: true });
    for (const file of ["buf.yaml", "protoship.yaml"]) await cp(path.join(REPO_ROOT, file), path.join(this.dir, file));
  }
}

/**
 * For a `describe` block: one temporary folder for the whole suite (removed after it) and a
 * function that names a fresh sub-folder per call, so every test gets its own repository.
 */
export function suiteTempDirs(hooks: { before: (fn: () => Promise<void>) => void; after: (fn: () => Promise<void>) => void }): {
  fresh: (prefix?: string) => string;
  root: () => string;
} {
  let tmp: { dir: string; dispose: () => Promise<void> } | undefined;
  let n = 0;
  hooks.before(async () => {
    tmp = await tempDir();
  });
  hooks.after(async () => {
    await tmp?.dispose();
  });
  const root = (): string => {
    if (!tmp) throw new Error("suiteTempDirs: used outside a test");
    return tmp.dir;
  };
  return { root, fresh: (prefix = "repo") => path.join(root(), `${prefix}-${++n}`) };
}
