import { createRequire } from "node:module";
import path from "node:path";
import { EnvironmentError } from "../errors.js";

/**
 * The protoc-gen-ts_proto plugin of the ts-proto version protoship depends on, so the output
 * depends only on protoship's own lockfile, not on whatever is on PATH.
 */
export function tsProtoPlugin(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve("ts-proto/package.json")), "protoc-gen-ts_proto");
  } catch (error) {
    throw new EnvironmentError("ts-proto is not installed", "run the README's install command", error);
  }
}

/** The ts-proto version, printed in each generated file's header. */
export function tsProtoVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("ts-proto/package.json") as { version: string }).version;
}
