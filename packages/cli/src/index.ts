/**
 * protoship's programmatic API: every command is an async function taking an options object and
 * returning the exit code, exactly what the CLI runs.
 */
export { check, type CheckOptions } from "./commands/check.js";
export { ExitCode, ProtoshipError, ConfigError, EnvironmentError } from "./errors.js";
export { loadConfig, parseConfigText } from "./config/load-config.js";
export type { ProtoshipConfig } from "./config/schema.js";
