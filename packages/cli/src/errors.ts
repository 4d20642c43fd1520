/**
 * Exit codes are part of protoship's public contract (see the README):
 * 0 clean, 1 findings, 2 usage, configuration or environment error.
 */
export const ExitCode = {
  Ok: 0,
  Findings: 1,
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error protoship expects and explains in one line. Thrown anywhere, caught once in main().
 */
export class ProtoshipError extends Error {
  /** The exit code the process ends with. */
  readonly exitCode: ExitCode;
  /** An optional hint printed after the message, e.g. the command to run to fix it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ProtoshipError";
    this.exitCode = options.exitCode ?? ExitCode.Usage;
    this.hint = options.hint;
  }
}

/** A problem with protoship.yaml or buf.yaml. */
export class ConfigError extends ProtoshipError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.Usage, ...(hint ? { hint } : {}) });
    this.name = "ConfigError";
  }
}

/** Something missing from the environment: git, buf, a commit, a remote. */
export class EnvironmentError extends ProtoshipError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.Usage, ...(hint ? { hint } : {}), cause });
    this.name = "EnvironmentError";
  }
}
