import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";

/**
 * `file` with only the source locations that carry a leading or trailing comment: all that
 * ts-proto reads of the source info. Spans of the others, and comments detached from any element, are dropped: on googleapis
 * that is four locations in five. The file itself is not changed.
 *
 * @example
 * commentLocations(file).sourceCodeInfo?.location.every((l) => l.leadingComments || l.trailingComments); // true
 */
export function commentLocations(file: FileDescriptorProto): FileDescriptorProto {
  const info = file.sourceCodeInfo;
  if (!info) return file;
  const location = info.location.filter((l) => l.leadingComments || l.trailingComments);
  return location.length === info.location.length ? file : { ...file, sourceCodeInfo: { ...info, location } };
}
