import { ExitCode, ProtoshipError } from "./errors.js";
import { buildProgram } from "./cli.js";
import { resultOf } from "./cli/shared.js";
import { notesBefore, outputBefore } from "./command-result.js";
import { envFlag } from "./process/env-flag.js";
import { guardOutput } from "./process/guard-output.js";
import { handleInterrupts } from "./process/interrupt.js";

/**
 * Runs the protoship CLI and returns the exit code. A command that runs to the end returns its
 * result (`CommandResult`, command-result.ts): its notes go to stderr, its report to stdout, its
 * verdict (0 or 1) is the exit code.
 * Every expected failure is a ProtoshipError, printed here once as a single line (exit 1 or 2),
 * after the notes and the report the command wrote before it; anything else (an InternalError, any other
 * exception) is a bug: one line asking for a report, exit 3, and the stack only with `--verbose`
 * or `PROTOSHIP_DEBUG=1`. Everything the
 * command writes to stdout and stderr is redacted, and a reader that closed early does not change
 * the exit code ({@link guardOutput}). An interruption (Ctrl-C, SIGTERM) removes the temporary folders
 * and stops the programs the run started, then exits 128 + the signal's number ({@link handleInterrupts}).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const restoreOutput = guardOutput();
  const restoreSignals = handleInterrupts();
  const program = buildProgram();
  const verbose = (): boolean => Boolean(program.opts<{ verbose?: boolean }>().verbose) || envFlag("PROTOSHIP_DEBUG");
  // A rejection nobody awaited is a bug too: reported the same way instead of Node's exit 1.
  const crash = (error: unknown): never => process.exit(reportError(error, verbose()));
  process.on("uncaughtException", crash).on("unhandledRejection", crash);
  try {
    await program.parseAsync([...argv], { from: "user" });
    const result = resultOf(program);
    if (result?.notes) process.stderr.write(result.notes);
    if (result?.output) process.stdout.write(result.output);
    return result?.exitCode ?? ExitCode.Ok;
  } catch (error) {
    const notes = notesBefore(error);
    if (notes) process.stderr.write(notes);
    const before = outputBefore(error);
    if (before) process.stdout.write(before);
    return reportError(error, verbose());
  } finally {
    process.off("uncaughtException", crash).off("unhandledRejection", crash);
    restoreSignals();
    restoreOutput();
  }
}

const STACK_HINT = "run with --verbose or PROTOSHIP_DEBUG=1 for the stack";

/** Prints `error` as main() reports it on stderr and returns its exit code. */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof ProtoshipError) {
    process.stderr.write(`protoship: ${oneLine(error.message)}\n`);
    if (error.hint) process.stderr.write(`  hint: ${oneLine(error.hint)}\n`);
    if (verbose && error.cause !== undefined) process.stderr.write(`  cause: ${describe(error.cause, true)}\n`);
    return error.exitCode;
  }
  // commander signals --help / --version / usage errors with its own error type (already printed).
  if (isCommanderError(error)) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
    return ExitCode.Usage;
  }
  const message = oneLine(describe(error, false));
  process.stderr.write(`protoship: internal error: ${message} — this is a bug in protoship, please report it (${STACK_HINT})\n`);
  if (verbose) process.stderr.write(`${describe(error, true)}\n`);
  return ExitCode.Internal;
}

/** An error as `Name: message`, or with `full` its stack and causes. */
function describe(error: unknown, full: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (!full) return `${error.name}: ${error.message}`;
  const cause = error.cause !== undefined ? `\ncaused by: ${describe(error.cause, true)}` : "";
  return `${error.stack ?? `${error.name}: ${error.message}`}${cause}`;
}

/** Messages are one line: a multi-line text (a tool's output) is joined. */
function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}

function isCommanderError(error: unknown): error is { code: string; exitCode: number } {
  return (
    typeof error === "object" && error !== null && "code" in error && String((error as { code: unknown }).code).startsWith("commander.")
  );
}
