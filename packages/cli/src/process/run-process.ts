import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { EnvironmentError } from "../errors.js";
import { onInterrupt } from "./interrupt.js";

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
        forget();
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
    // An interrupted run takes its programs with it.
    const forget = onInterrupt(() => child.kill());
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
