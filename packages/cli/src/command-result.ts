import type { ExitCode } from "./errors.js";

/**
 * A command's verdict when it runs to the end: 0 clean, 1 findings (what it checked has problems
 * it reports). Every other outcome is thrown: a ProtoshipError for the user's mistake or the
 * environment (exit 2, or 1 for a {@link FindingsError}), an InternalError for a bug (exit 3).
 */
export type Verdict = typeof ExitCode.Ok | typeof ExitCode.Findings;

/**
 * What every command's function returns: its verdict, its report, which the CLI prints on stdout,
 * and its notes, which the CLI prints on stderr (so stdout stays the report a script parses).
 */
export interface CommandResult {
  exitCode: Verdict;
  output: string;
  /** What the command says beside its report (a comment it posted, a step it skipped); absent when nothing. */
  notes?: string;
}

/** Where a command writes its report (or its notes) as it goes. */
export type Write = (text: string) => void;

const partialOutput = new WeakMap<object, { output: string; notes: string }>();

/**
 * Runs a command that writes its report (`write`) and its notes (`note`) as it goes and returns
 * them with its verdict. When it throws, what it wrote so far goes with the error
 * ({@link outputBefore}, {@link notesBefore}): main() prints it before the error, so a publish
 * that fails on its third package still says which two it published.
 */
export async function collectOutput(run: (write: Write, note: Write) => Promise<Verdict>): Promise<CommandResult> {
  const parts: string[] = [];
  const notes: string[] = [];
  try {
    const exitCode = await run(
      (text) => void parts.push(text),
      (text) => void notes.push(text),
    );
    return { exitCode, output: parts.join(""), ...(notes.length > 0 ? { notes: notes.join("") } : {}) };
  } catch (error) {
    if (parts.length + notes.length > 0 && typeof error === "object" && error !== null) {
      partialOutput.set(error, { output: parts.join(""), notes: notes.join("") });
    }
    throw error;
  }
}

/** The report a command wrote before it threw `error` ("" when none). */
export function outputBefore(error: unknown): string {
  return typeof error === "object" && error !== null ? (partialOutput.get(error)?.output ?? "") : "";
}

/** The notes a command wrote before it threw `error` ("" when none). */
export function notesBefore(error: unknown): string {
  return typeof error === "object" && error !== null ? (partialOutput.get(error)?.notes ?? "") : "";
}
