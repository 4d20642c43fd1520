import { execFile, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { EnvironmentError } from "../errors.js";

/** How a program exited and what it printed. */
export interface ProcessResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  cwd: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * Written to the program's standard input; a promise is written when it resolves (the program
   * starts at once and reads it when it comes; a rejection closes its input empty).
   */
  input?: Buffer | Promise<Buffer>;
  /** The program as messages name it (`buf`, `git`, `npm`). */
  what: string;
  /** What to do when it cannot be started. */
  hint: string;
  /** Applied to the message of a start failure (npm's may carry a token). */
  redact?: (text: string) => string;
  maxBuffer?: number;
  /** Kills the program when aborted (the promise then rejects). */
  signal?: AbortSignal;
}

/**
 * Runs `file` with an argument array, never through a shell. Any exit code is data for the caller
 * (buf exits 100 for findings, git 1 for "no"); only a program that cannot be run at all rejects,
 * as an EnvironmentError, so buf, git and npm fail the same way when they are missing.
 */
export function runProcess(file: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      {
        cwd: options.cwd,
        encoding: "buffer",
        maxBuffer: options.maxBuffer ?? 1024 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          // A missing cwd fails with ENOENT too, which would read as "the program is missing".
          if (!statSync(options.cwd, { throwIfNoEntry: false })?.isDirectory()) {
            reject(new EnvironmentError(`cannot run ${options.what} in ${options.cwd}: no such folder`));
            return;
          }
          const message = `cannot run ${options.what}: ${error.message}`;
          reject(new EnvironmentError(options.redact ? options.redact(message) : message, options.hint));
          return;
        }
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
    if (options.input) {
      // A program that exits without reading its input (EPIPE) is judged by its exit code and output.
      child.stdin?.on("error", () => {});
      Promise.resolve(options.input).then(
        (input) => child.stdin?.end(input),
        () => child.stdin?.end(),
      );
    }
  });
}

/** A program started before its input is known ({@link startProcess}). */
export interface StartedProcess {
  /** Writes `input` to its standard input and resolves as {@link runProcess} does once it exits. */
  finish(input: Buffer, options: Pick<RunProcessOptions, "what" | "hint" | "signal">): Promise<ProcessResult>;
  /** Kills it unless {@link finish} was called. */
  discard(): void;
}

/**
 * Starts `file` with an argument array (never through a shell) in this process's folder, its
 * output collected from the start, for a caller that gives its input later: the program can load
 * while the caller still prepares the input.
 */
export function startProcess(file: string, args: readonly string[]): StartedProcess {
  const child = spawn(file, [...args], { stdio: ["pipe", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, error }));
    child.on("close", (code) => resolve({ code }));
  });
  let used = false;
  return {
    async finish(input, options) {
      used = true;
      const abort = (): void => {
        child.kill();
      };
      options.signal?.addEventListener("abort", abort, { once: true });
      // A program that exits without reading its input (EPIPE) is judged by its exit code and output.
      child.stdin.on("error", () => {});
      child.stdin.end(input);
      const { code, error } = await exited;
      options.signal?.removeEventListener("abort", abort);
      if (error) throw new EnvironmentError(`cannot run ${options.what}: ${error.message}`, options.hint);
      if (options.signal?.aborted) throw new EnvironmentError(`${options.what} was stopped`);
      return { code: code ?? 1, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
    },
    discard() {
      if (!used) child.kill();
    },
  };
}
