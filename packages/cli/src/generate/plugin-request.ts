import { create, toBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { closure } from "../schema/package-graph.js";

/**
 * The CodeGeneratorRequest `buf generate` sends a plugin with `strategy: all` for `generate`
 * (module files) out of an image whose files are in buf's dependency order:
 *
 * - `file_to_generate`: `generate`, sorted, as buf sorts it;
 * - `proto_file`: their transitive imports and themselves, in the image's (dependency) order;
 * - `source_file_descriptors`: the descriptors of `file_to_generate` (buf sends them too);
 * - `parameter`: the options joined with commas, as buf joins a plugin's `opt` list;
 * - no `compiler_version` (buf sets none: ts-proto prints `protoc unknown`).
 *
 * Unknown fields (buf's own image extensions) are not written: a plugin never sees them from buf.
 */
export function pluginRequest(image: readonly FileDescriptorProto[], generate: readonly string[], options: readonly string[]): Uint8Array {
  const byName = new Map(image.map((f) => [f.name, f]));
  const needed = closure(generate, (name) => byName.get(name)?.dependency);
  const wanted = new Set(generate);
  const request = create(CodeGeneratorRequestSchema, {
    fileToGenerate: [...generate].sort(),
    parameter: options.join(","),
    protoFile: image.filter((f) => needed.has(f.name)),
    sourceFileDescriptors: image.filter((f) => wanted.has(f.name)),
  });
  return toBinary(CodeGeneratorRequestSchema, request, { writeUnknownFields: false });
}
