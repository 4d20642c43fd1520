import { fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorResponseSchema } from "@bufbuild/protobuf/wkt";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { EnvironmentError, ExitCode, ProtoshipError } from "../errors.js";
import { outputMessage } from "../process/output-message.js";
import { runProcess } from "../process/run-process.js";

/** Generated TypeScript, keyed by path relative to the output root (e.g. `mesh/probe/v1/probe.ts`). */
export type GeneratedTree = Map<string, string>;

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

/**
 * The heap limit (MiB) of one plugin process for a request of `requestBytes`: ts-proto holds the
 * request, its type map and all output in memory, about a hundred times the descriptors' size.
 * Never more than this process's share (`jobs` run at once) of 60% of the machine's memory.
 */
export function pluginHeapMb(requestBytes: number, jobs: number): number {
  const share = Math.floor(((os.totalmem() / 2 ** 20) * 0.6) / Math.max(1, jobs));
  const wanted = 1024 + Math.ceil((requestBytes / 2 ** 20) * 128);
  return Math.max(1024, Math.min(wanted, Math.max(1024, share), 16384));
}

/**
 * Runs the ts-proto plugin under this Node, as buf would, on an encoded CodeGeneratorRequest and
 * returns its files. An error the plugin reports (CodeGeneratorResponse.error) or a crash is a
 * ProtoshipError (exit 1) naming `what`; running out of its heap limit, an EnvironmentError
 * (exit 2). `signal` kills the plugin (the promise then rejects).
 */
export async function runTsProto(
  request: Uint8Array,
  options: { heapMb: number; what: string; signal?: AbortSignal },
): Promise<GeneratedTree> {
  const result = await runProcess(process.execPath, [`--max-old-space-size=${options.heapMb}`, tsProtoPlugin()], {
    cwd: process.cwd(),
    input: Buffer.from(request.buffer, request.byteOffset, request.byteLength),
    what: "ts-proto (protoc-gen-ts_proto)",
    hint: "run the README's install command",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const stderr = result.stderr.toString("utf8");
  if (result.code !== 0) {
    if (/heap out of memory|Allocation failed/i.test(stderr)) {
      throw new EnvironmentError(
        `ts-proto ran out of memory (${options.heapMb} MiB heap) on ${options.what}`,
        "run protoship generate with fewer --jobs, on a machine with more memory",
      );
    }
    // ts-proto prints `FAILED!<message><stack>`: the first line is the cause.
    const message = outputMessage(stderr.split("\n").find((l) => l.trim()) ?? "", `exited with ${result.code}`).slice(0, 500);
    throw new ProtoshipError(`ts-proto failed on ${options.what}: ${message}`, { exitCode: ExitCode.Findings });
  }
  const response = fromBinary(CodeGeneratorResponseSchema, result.stdout);
  if (response.error) {
    const first = response.error.split("\n").find((l) => l.trim()) ?? response.error;
    throw new ProtoshipError(`ts-proto failed on ${options.what}: ${first.trim()}`, { exitCode: ExitCode.Findings });
  }
  return new Map(response.file.map((f) => [f.name, f.content]));
}
