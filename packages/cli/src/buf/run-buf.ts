import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { EnvironmentError } from "../errors.js";

/** What a buf invocation printed and how it exited. */
export interface BufResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, when run with `binary: true` (images). */
  stdoutBytes?: Buffer;
}

let cachedBinary: string | undefined;

/**
 * The buf binary shipped by @bufbuild/buf (it works offline). PROTOSHIP_BUF overrides it.
 */
export function bufBinary(): string {
  if (process.env.PROTOSHIP_BUF) return process.env.PROTOSHIP_BUF;
  if (cachedBinary) return cachedBinary;
  const require = createRequire(import.meta.url);
  try {
    const pkg = require.resolve("@bufbuild/buf/package.json");
    cachedBinary = path.join(path.dirname(pkg), "bin", "buf");
  } catch (error) {
    throw new EnvironmentError("the buf binary (@bufbuild/buf) is not installed", "run the README's install command", error);
  }
  return cachedBinary;
}

/**
 * Runs buf with an argument array. buf exits 100 for findings, which is data, not failure; any
 * other non-zero exit is returned too and judged by the caller.
 */
export function runBuf(args: readonly string[], options: { cwd: string; input?: Buffer; binary?: boolean }): Promise<BufResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      bufBinary(),
      [...args],
      { cwd: options.cwd, maxBuffer: 1024 * 1024 * 1024, encoding: "buffer" },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(new EnvironmentError(`cannot run buf: ${error.message}`, "run the README's install command"));
          return;
        }
        const code = typeof error?.code === "number" ? error.code : 0;
        resolve({ code, stdout: options.binary ? "" : stdout.toString("utf8"), stderr: stderr.toString("utf8"), ...(options.binary ? { stdoutBytes: stdout } : {}) });
      },
    );
    if (options.input) child.stdin?.end(options.input);
  });
}
