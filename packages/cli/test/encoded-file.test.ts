import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { encodedFile, encodedFileSet } from "../src/generate/encoded-file.ts";

describe("encodedFile / encodedFileSet", () => {
  const file = (name: string, comment: string) =>
    create(FileDescriptorProtoSchema, {
      name,
      package: "acme.v1",
      sourceCodeInfo: { location: [{ path: [4, 0], span: [1, 0, 9], leadingComments: comment }] },
    });

  it("a set of encoded files is the bytes toBinary writes for it, lengths of one, two and three varint bytes included", () => {
    const files = [file("a.proto", "x"), file("b.proto", "y".repeat(300)), file("c.proto", "z".repeat(20_000))];
    assert.deepEqual(
      new Uint8Array(encodedFileSet(files)),
      toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files })),
    );
    assert.equal(encodedFileSet([]).length, 0);
  });

  it("encodes each descriptor once and without unknown fields", () => {
    const f = file("a.proto", "x");
    f.$unknown = [{ no: 8042, wireType: 2, data: Uint8Array.of(1, 2) }];
    assert.equal(encodedFile(f), encodedFile(f));
    assert.deepEqual(encodedFile(f), toBinary(FileDescriptorProtoSchema, f, { writeUnknownFields: false }));
  });
});
