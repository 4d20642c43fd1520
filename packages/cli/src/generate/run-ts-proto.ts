import { createRequire } from "node:module";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BUF_FINDINGS, bufFailure } from "../buf/buf-failure.js";
import { runBuf } from "../buf/run-buf.js";
import { EnvironmentError, ExitCode, ProtoshipError } from "../errors.js";

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
 * Runs `buf generate` on the buf workspace in `bufDir` with ts-proto as a local plugin, in one
 * plugin invocation for all files (`strategy: all`: per-directory invocations would start Node
 * hundreds of times on a large module), and reads the output back.
 *
 * With `paths` (relative to `bufDir`), only those files and their imports are generated. The
 * plugin runs under this Node with a larger heap: ts-proto holds the whole request and its output
 * in memory, which exceeds Node's default limit on a few thousand files.
 */
export async function runTsProto(bufDir: string, options: readonly string[], paths?: readonly string[]): Promise<GeneratedTree> {
  const out = await mkdtemp(path.join(os.tmpdir(), "protoship-ts-proto-"));
  try {
    const heapMb = Math.max(2048, Math.min(16384, Math.floor((os.totalmem() / 2 ** 20) * 0.6)));
    const template = {
      version: "v2",
      plugins: [
        {
          local: [process.execPath, `--max-old-space-size=${heapMb}`, tsProtoPlugin()],
          out,
          strategy: "all",
          opt: [...options],
          ...(paths ? { include_imports: true } : {}),
        },
      ],
    };
    const pathArgs = paths ? paths.flatMap((p) => ["--path", p]) : [];
    const result = await runBuf(["generate", "--error-format", "json", "--template", JSON.stringify(template), ...pathArgs], {
      cwd: bufDir,
    });
    if (result.code !== 0 && result.code !== BUF_FINDINGS) throw bufFailure("buf generate with ts-proto", result);
    if (result.code !== 0) {
      const first = result.stderr.split("\n").find((l) => l.trim()) ?? `exit ${result.code}`;
      throw new ProtoshipError(`buf generate with ts-proto failed: ${first.trim()}`, { exitCode: ExitCode.Findings });
    }
    return await readTree(out);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function readTree(root: string): Promise<GeneratedTree> {
  const tree: GeneratedTree = new Map();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
  const contents = await Promise.all(files.map((f) => readFile(path.join(root, f), "utf8")));
  files.forEach((f, i) => tree.set(f, contents[i]!));
  return tree;
}
