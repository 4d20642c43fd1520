import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";

const encodings = new WeakMap<FileDescriptorProto, Uint8Array>();

/**
 * A compiled file's binary encoding, without unknown fields (buf's own extensions: no plugin sees
 * them), made once per descriptor and shared by everything a run measures, hashes or stores of it
 * (unit weights, unit hashes, the image cache). Descriptors are never changed once decoded (a cut
 * such as commentLocations makes a new one), so the encoding stays the descriptor's.
 */
export function encodedFile(file: FileDescriptorProto): Uint8Array {
  let bytes = encodings.get(file);
  if (!bytes) {
    bytes = toBinary(FileDescriptorProtoSchema, file, { writeUnknownFields: false });
    encodings.set(file, bytes);
  }
  return bytes;
}

/**
 * The encoding of a FileDescriptorSet of `files` (field 1, repeated), made of their
 * {@link encodedFile}s: the bytes toBinary would write for the set.
 */
export function encodedFileSet(files: readonly FileDescriptorProto[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    const bytes = encodedFile(file);
    parts.push(Uint8Array.of(0x0a, ...varint(bytes.length)), bytes);
  }
  return Buffer.concat(parts);
}

/** A length as a protobuf varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
