import type { ExitCode } from "./errors.js";

/**
 * A command's verdict when it runs to the end: 0 clean, 1 findings (what it checked has problems
 * it reports). Every other outcome is thrown: a ProtoshipError for the user's mistake or the
 * environment (exit 2, or 1 for a {@link FindingsError}), an InternalError for a bug (exit 3).
 */
export type Verdict = typeof ExitCode.Ok | typeof ExitCode.Findings;

/** What every command's function returns: its verdict and its report, which the CLI prints on stdout. */
export interface CommandResult {
  exitCode: Verdict;
  output: string;
}

/** Where a command writes its report as it goes. */
export type Write = (text: string) => void;

const partialOutput = new WeakMap<object, string>();

/**
 * Runs a command that writes its report as it goes and returns the report with its verdict. When
 * it throws, the report so far goes with the error ({@link outputBefore}): main() prints it before
 * the error, so a publish that fails on its third package still says which two it published.
 */
export async function collectOutput(run: (write: Write) => Promise<Verdict>): Promise<CommandResult> {
  const parts: string[] = [];
  try {
    const exitCode = await run((text) => void parts.push(text));
    return { exitCode, output: parts.join("") };
  } catch (error) {
    if (parts.length > 0 && typeof error === "object" && error !== null) partialOutput.set(error, parts.join(""));
    throw error;
  }
}

/** The report a command wrote before it threw `error` ("" when none). */
export function outputBefore(error: unknown): string {
  return typeof error === "object" && error !== null ? (partialOutput.get(error) ?? "") : "";
}
