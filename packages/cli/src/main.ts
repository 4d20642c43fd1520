import { ExitCode, ProtoshipError } from "./errors.js";
import { buildProgram } from "./cli.js";

/**
 * Runs the protoship CLI and returns the exit code. Every expected failure is a ProtoshipError,
 * printed here once as a single line; anything else is a bug and gets a stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.Ok;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof ProtoshipError) {
    process.stderr.write(`protoship: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
    return error.exitCode;
  }
  // commander signals --help / --version / usage errors with its own error type.
  if (isCommanderError(error)) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
    return ExitCode.Usage;
  }
  process.stderr.write(`protoship: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.Usage;
}

function isCommanderError(error: unknown): error is { code: string; exitCode: number } {
  return typeof error === "object" && error !== null && "code" in error && String((error as { code: unknown }).code).startsWith("commander.");
}
