import { statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EnvironmentError } from "../errors.js";
import { runProcess } from "../process/run-process.js";

/** What a buf invocation printed and how it exited. */
export interface BufResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, when run with `binary: true` (images). */
  stdoutBytes?: Buffer;
}

let cachedBinary: string | undefined;

/** @bufbuild/buf's per-platform packages, keyed like its own launcher does. */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  "darwin arm64": "@bufbuild/buf-darwin-arm64",
  "darwin x64": "@bufbuild/buf-darwin-x64",
  "linux arm64": "@bufbuild/buf-linux-aarch64",
  "linux arm": "@bufbuild/buf-linux-armv7",
  "linux x64": "@bufbuild/buf-linux-x64",
  "win32 arm64": "@bufbuild/buf-win32-arm64",
  "win32 x64": "@bufbuild/buf-win32-x64",
};

/**
 * The buf binary shipped by @bufbuild/buf (it works offline). PROTOSHIP_BUF overrides it.
 *
 * The package's `bin/buf` is a Node launcher that finds the native binary and re-executes it,
 * which costs a Node start (~0.1 s) per call; the pre-push gate makes several calls, so it runs
 * the native binary from the platform package directly and keeps the launcher as the fallback.
 */
export function bufBinary(): string {
  if (process.env.PROTOSHIP_BUF) return process.env.PROTOSHIP_BUF;
  if (cachedBinary) return cachedBinary;
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve("@bufbuild/buf/package.json");
  } catch (error) {
    throw new EnvironmentError("the buf binary (@bufbuild/buf) is not installed", "run the README's install command", error);
  }
  cachedBinary = nativeBinary(pkg) ?? path.join(path.dirname(pkg), "bin", "buf");
  return cachedBinary;
}

/** The buf binary that runs, as a cache key needs it: its path, size and modification time. */
export async function bufBinaryStamp(): Promise<string> {
  const bin = bufBinary();
  // One stat, at once (no thread pool round trip on the gate's way to buf).
  let stamp = { size: 0, mtimeMs: 0 };
  try {
    stamp = statSync(bin);
  } catch {
    // No binary: the stamp says so, and running buf reports it.
  }
  const { size, mtimeMs } = stamp;
  return `${bin}\0${size}\0${mtimeMs}`;
}

function nativeBinary(bufPackageJson: string): string | undefined {
  const platformPackage = PLATFORM_PACKAGES[`${process.platform} ${process.arch}`];
  if (!platformPackage) return undefined;
  try {
    // Resolved from @bufbuild/buf itself: the platform package is its optional dependency.
    return createRequire(bufPackageJson).resolve(`${platformPackage}/bin/buf${process.platform === "win32" ? ".exe" : ""}`);
  } catch {
    return undefined;
  }
}

/**
 * Runs buf with an argument array. buf exits 100 for findings, which is data, not failure; any
 * other non-zero exit is returned too and judged by the caller.
 */
export async function runBuf(
  args: readonly string[],
  options: { cwd: string; input?: Buffer | Promise<Buffer>; binary?: boolean },
): Promise<BufResult> {
  const r = await runProcess(bufBinary(), args, {
    cwd: options.cwd,
    ...(options.input ? { input: options.input } : {}),
    what: "buf",
    hint: "run the README's install command",
  });
  return {
    code: r.code,
    stdout: options.binary ? "" : r.stdout.toString("utf8"),
    stderr: r.stderr.toString("utf8"),
    ...(options.binary ? { stdoutBytes: r.stdout } : {}),
  };
}
