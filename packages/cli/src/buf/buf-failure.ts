import { ConfigError, EnvironmentError, type ProtoshipError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";

/** buf's exit code for file annotations: lint or breaking findings, compile errors. */
export const BUF_FINDINGS = 100;

/**
 * The error for a buf run that ended in neither success nor findings (exit 100). buf exits 1
 * (`Failure: …`) for what it refuses before compiling: a buf.yaml it cannot decode, an unknown
 * rule, a missing plugin. Those exit 2 from every command, with buf's whole message: a
 * ConfigError when it concerns buf's configuration, else an EnvironmentError.
 *
 * @example throw bufFailure("buf lint", result); // protoship: buf lint: decode buf.yaml: … line 4: field bogus not found
 */
export function bufFailure(action: string, result: { code: number; stderr: string }): ProtoshipError {
  const message = outputMessage(result.stderr.replace(/^Failure: /gm, ""), `exited with ${result.code}`);
  if (/\bbuf(\.work|\.gen)?\.yaml\b|\bbuf\.lock\b|config|rule or category/i.test(message)) return new ConfigError(`${action}: ${message}`);
  return new EnvironmentError(`${action}: ${message}`);
}
