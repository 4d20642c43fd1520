import { InternalError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";
import { runProcess } from "../process/run-process.js";

/**
 * git exited non-zero: `stderr` as git printed it; the message is git's words (see {@link runGit}).
 * Callers that expect a failure (no such ref, a rejected push) catch it; one nobody catches is git
 * answering outside protoship's contract, an internal error.
 */
export class GitCommandError extends InternalError {
  readonly code: number;
  readonly stderr: string;
  /** What git printed on stdout before it failed (e.g. `rev-parse` answers the revisions before the first it cannot resolve). */
  readonly stdout: string;

  constructor(message: string, code: number, stderr: string, stdout = "") {
    super(message);
    this.name = "GitCommandError";
    this.code = code;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

/** How a failed command's message is made: a query's stderr on one line, or a change's output as git printed it. */
export type GitMessageStyle = "one-line" | "as-printed";

/**
 * Runs git in `cwd` with an argument array (never a shell) and resolves with stdout; a non-zero
 * exit rejects with a {@link GitCommandError}: for a query, git's stderr as one line; for a
 * command that changes things, everything git printed (stdout, then stderr), as printed. The one
 * place protoship starts git.
 */
export async function runGit(
  cwd: string,
  args: readonly string[],
  options: { input?: Buffer; style?: GitMessageStyle } = {},
): Promise<Buffer> {
  const r = await runProcess("git", args, { cwd, what: "git", hint: "install git", ...(options.input ? { input: options.input } : {}) });
  if (r.code === 0) return r.stdout;
  const stderr = r.stderr.toString("utf8");
  const fallback = `git ${args.join(" ")} exited with ${r.code}`;
  const printed = `${r.stdout.toString("utf8")}${stderr}`;
  const message = options.style === "as-printed" ? (printed.trim() ? printed : fallback) : outputMessage(stderr, fallback);
  throw new GitCommandError(message, r.code, stderr, r.stdout.toString("utf8"));
}
