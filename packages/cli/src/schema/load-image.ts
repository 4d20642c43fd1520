import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import path from "node:path";
import { BUF_FINDINGS, bufFailure } from "../buf/buf-failure.js";
import { runBuf } from "../buf/run-buf.js";
import { ExitCode, ProtoshipError } from "../errors.js";
import { repoPathFromWorkspace } from "../buf/module-paths.js";

/** The compiled schema of a buf workspace: every file, with source info (comments, positions). */
export interface SchemaImage {
  /** All files, imports included, in dependency order as buf emits them. */
  files: FileDescriptorProto[];
  /** Names of the files that belong to the module (not imports such as google/protobuf/*). */
  ownFiles: Set<string>;
}

/**
 * Compiles the buf workspace in `dir` with the real buf binary and reads the image through
 * @bufbuild/protobuf descriptors — never by parsing .proto text ourselves. A schema error becomes
 * a ProtoshipError with buf's `file:line:col` (repository-relative).
 */
export async function loadImage(dir: string, options: { workspaceDir?: string } = {}): Promise<SchemaImage> {
  const cwd = options.workspaceDir ? path.join(dir, options.workspaceDir) : dir;
  // One compile; `buf ls-files` (no compile) tells the module's own files from its imports.
  const [image, listed] = await Promise.all([
    runBuf(["build", "--error-format", "json", "-o", "-#format=binpb"], { cwd, binary: true }),
    runBuf(["ls-files", "--format=import"], { cwd }),
  ]);
  if (image.code !== 0 && image.code !== BUF_FINDINGS) throw bufFailure("buf build", image);
  if (image.code !== 0) {
    const first = image.stderr.split("\n").find((l) => l.trim()) ?? `buf build exited ${image.code}`;
    const cause = describeBufError(first, options.workspaceDir);
    throw new ProtoshipError(`the schema does not compile: ${cause}`, { exitCode: ExitCode.Findings });
  }
  if (listed.code !== 0) throw bufFailure("buf ls-files", listed);
  const files = fromBinary(FileDescriptorSetSchema, image.stdoutBytes!).file;
  const ownFiles = new Set(
    listed.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean),
  );
  return { files, ownFiles };
}

function describeBufError(line: string, workspaceDir: string | undefined): string {
  try {
    const f = JSON.parse(line) as { path?: string; start_line?: number; start_column?: number; message?: string; type?: string };
    const file = workspaceDir && f.path ? repoPathFromWorkspace(workspaceDir, f.path) : f.path;
    return `${file}:${f.start_line}:${f.start_column}: ${f.message}${f.type ? ` (${f.type})` : ""}`;
  } catch {
    return line.trim();
  }
}
