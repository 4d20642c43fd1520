import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import os from "node:os";
import { BUF_FINDINGS, bufFailure } from "../buf/buf-failure.js";
import { firstComplaint } from "../buf/diagnostics.js";
import { bufPathArgs } from "../buf/path-args.js";
import { runBuf } from "../buf/run-buf.js";
import { ConfigError, FindingsError } from "../errors.js";
import { commentLocations } from "./comment-locations.js";

/** The compiled schema of a buf workspace: every file, with source info (comments, positions). */
export interface SchemaImage {
  /** All files, imports included, in dependency order as buf emits them. */
  files: FileDescriptorProto[];
  /** Names of the files that belong to the module (not imports such as google/protobuf/*). */
  ownFiles: Set<string>;
}

/**
 * What an image keeps of each file: everything buf wrote (`full`), or, for code generation, only
 * the commented source locations ({@link commentLocations}) and none of buf's own extensions
 * (unknown fields). Each file is cut down as it is decoded, before the next one is, so a large
 * image is never held whole in its full form.
 */
export type SourceInfo = "full" | "comments";

/**
 * Compiles a tar archive of a side's schema (Snapshot.archive), read on buf's stdin (never
 * unpacked to disk), with the real buf binary, and reads the image through @bufbuild/protobuf
 * descriptors — never by parsing .proto text ourselves. `workspaceDir` is the folder inside it
 * where buf.yaml lives. A schema error becomes a FindingsError (exit 1) with buf's `file:line:col`. With
 * `paths` (relative to that folder), buf compiles only those files and what they import, and the
 * image's `ownFiles` are those files.
 */
export async function loadArchiveImage(
  archive: Buffer,
  options: { workspaceDir?: string; sourceInfo?: SourceInfo; paths?: readonly string[] } = {},
): Promise<SchemaImage> {
  const { workspaceDir, sourceInfo = "full", paths } = options;
  // buf splits input options on commas: such a folder name cannot be a subdir option.
  if (workspaceDir && /[,#]/.test(workspaceDir)) throw new ConfigError(`${workspaceDir}: a buf workspace folder name with , or #`);
  // With subdir, buf's messages name repository paths already: nothing to map.
  const args = [`-#format=tar${workspaceDir ? `,subdir=${workspaceDir}` : ""}`, ...(paths ? bufPathArgs(paths) : [])];
  return compile({ cwd: os.tmpdir(), args, input: archive }, sourceInfo);
}

/**
 * Compiles `paths` (repository paths) of the workspace at `workspaceDir` in `dir`, a folder where
 * buf sees exactly one side's files (Snapshot.bufFolder), and what they import: the image's files
 * only (which of them are the module's is the caller's to tell). buf runs from `dir`, so its
 * messages name repository paths, as {@link loadArchiveImage}'s do.
 */
export async function buildFolderImage(
  dir: string,
  options: { workspaceDir: string; paths: readonly string[]; sourceInfo?: SourceInfo },
): Promise<FileDescriptorProto[]> {
  const { workspaceDir, paths, sourceInfo = "full" } = options;
  // buf reads its input as a path with options after `#`, split on commas.
  if (/[,#]/.test(workspaceDir)) throw new ConfigError(`${workspaceDir}: a buf workspace folder name with , or #`);
  return build({ cwd: dir, args: [`./${workspaceDir}`, ...bufPathArgs(paths)] }, sourceInfo);
}

/** buf's input: where it runs, the input and path arguments, and the archive on stdin if any. */
interface BufInput {
  cwd: string;
  args: string[];
  input?: Buffer;
}

const runOn = (source: BufInput, args: string[], binary: boolean) =>
  runBuf([...args, ...source.args], { cwd: source.cwd, binary, ...(source.input ? { input: source.input } : {}) });

/** Runs buf build and ls-files on one input. */
async function compile(source: BufInput, sourceInfo: SourceInfo): Promise<SchemaImage> {
  // One compile; `buf ls-files` (no compile) tells the module's own files from its imports.
  // As JSON lines: a file name may hold a line break, which the plain formats print as it is.
  const [files, listed] = await Promise.all([build(source, sourceInfo), runOn(source, ["ls-files", "--format=json"], false)]);
  if (listed.code !== 0) throw bufFailure("buf ls-files", listed);
  const ownFiles = new Set(
    listed.stdout
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => (JSON.parse(line) as { import_path: string }).import_path),
  );
  return { files, ownFiles };
}

/** Runs buf build on one input; a schema that does not compile is a FindingsError naming buf's first complaint. */
async function build(source: BufInput, sourceInfo: SourceInfo): Promise<FileDescriptorProto[]> {
  const image = await runOn(source, ["build", "--error-format", "json", "-o", "-#format=binpb"], true);
  if (image.code !== 0 && image.code !== BUF_FINDINGS) throw bufFailure("buf build", image);
  if (image.code !== 0) {
    const cause = firstComplaint(image.stderr, `buf build exited ${image.code}`);
    throw new FindingsError(`the schema does not compile: ${cause}`);
  }
  return decodeFiles(image.stdoutBytes!, sourceInfo);
}

/**
 * The files of an encoded FileDescriptorSet (field 1, repeated), decoded one at a time and cut
 * down to `sourceInfo`; the set's other fields (none today) are skipped.
 */
function decodeFiles(bytes: Uint8Array, sourceInfo: SourceInfo): FileDescriptorProto[] {
  const files: FileDescriptorProto[] = [];
  const full = sourceInfo === "full";
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 1 || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, field);
      continue;
    }
    const file = fromBinary(FileDescriptorProtoSchema, reader.bytes(), { readUnknownFields: full });
    files.push(full ? file : commentLocations(file));
  }
  return files;
}
