/**
 * Exit codes are part of protoship's public contract (see the README's "Exit codes"):
 * 0 clean, 1 findings, 2 usage, configuration or environment error, 3 internal error (a bug).
 */
export const ExitCode = {
  Ok: 0,
  Findings: 1,
  Usage: 2,
  Internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit codes a ProtoshipError ends with: 1 (findings it reports, {@link FindingsError}) or 2. */
export type ExpectedErrorCode = typeof ExitCode.Findings | typeof ExitCode.Usage;

/**
 * An error protoship expects and explains in one line. Thrown anywhere, caught once in main(),
 * which prints `protoship: <message>` and the hint, and exits with `exitCode`. Anything else
 * that reaches main() is an internal error: a bug.
 */
export class ProtoshipError extends Error {
  /** The exit code the process ends with. */
  readonly exitCode: ExpectedErrorCode;
  /** An optional hint printed after the message, e.g. the command to run to fix it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: ExpectedErrorCode; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ProtoshipError";
    this.exitCode = options.exitCode ?? ExitCode.Usage;
    this.hint = options.hint;
  }
}

/**
 * What a command compiles, generates or builds has problems it reports: the schema does not
 * compile, a generator or a stub build failed on it, committed stubs differ from what generate
 * writes. Thrown from where it is found, deep in a command; exit 1, like findings a command returns.
 */
export class FindingsError extends ProtoshipError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Findings, ...(hint ? { hint } : {}) });
    this.name = "FindingsError";
  }
}

/**
 * Something the user wrote is invalid: protoship.yaml, buf.yaml (as protoship or buf reads it), a
 * flag or its value. The message starts with where it is: `file:line:col`, the key or the flag.
 * Fixed by editing that input. Exit 2.
 */
export class ConfigError extends ProtoshipError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Usage, ...(hint ? { hint } : {}) });
    this.name = "ConfigError";
  }
}

/**
 * Something protoship runs in is missing or unusable: git, buf, a folder, a repository, a
 * commit, a remote. Fixed outside protoship's inputs, so it should say how (the hint). Exit 2.
 */
export class EnvironmentError extends ProtoshipError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.Usage, ...(hint ? { hint } : {}), cause });
    this.name = "EnvironmentError";
  }
}

/**
 * A broken invariant: code that "cannot" be reached was, or a tool protoship drives answered
 * outside its contract. Reported like any unexpected exception, as an internal error (exit 3) with
 * one line asking for a bug report, never as the user's mistake: it is not a ProtoshipError, so no
 * handler that turns those into exit 2 catches it. The name documents intent at the throw.
 */
export class InternalError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "InternalError";
  }
}
