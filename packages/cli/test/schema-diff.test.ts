import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  type FileDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import type { BreakingFinding } from "../src/release/breaking.ts";
import { classifyChanges, severityOf } from "../src/release/classify.ts";
import { diffSchemas } from "../src/release/schema-diff.ts";
import { fileElements } from "../src/release/schema-elements.ts";

// Pure tests on descriptors built with @bufbuild/protobuf's create(): no buf, no git, no disk.

const { STRING, INT32 } = FieldDescriptorProto_Type;
const OPTIONAL = FieldDescriptorProto_Label.OPTIONAL;

interface FieldSpec {
  name: string;
  number: number;
  type?: FieldDescriptorProto_Type;
  proto3Optional?: boolean;
  oneofIndex?: number;
}

/** A proto3 file `name` in package `pkg` with one message `Req` of `fields`, an enum, a service; `comment` documents Req. */
function file(
  name: string,
  fields: FieldSpec[],
  options: { comment?: string; messages?: string[]; deprecatedReq?: boolean; oneofs?: string[] } = {},
): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, {
    name,
    package: "a.v1",
    syntax: "proto3",
    messageType: [
      {
        name: "Req",
        field: fields.map((f) => ({
          name: f.name,
          number: f.number,
          type: f.type ?? STRING,
          label: OPTIONAL,
          jsonName: f.name,
          ...(f.proto3Optional ? { proto3Optional: true } : {}),
          ...(f.oneofIndex !== undefined ? { oneofIndex: f.oneofIndex } : {}),
        })),
        oneofDecl: (options.oneofs ?? []).map((n) => ({ name: n })),
        ...(options.deprecatedReq ? { options: { deprecated: true } } : {}),
      },
      ...(options.messages ?? []).map((n) => ({
        name: n,
        field: [{ name: "id", number: 1, type: STRING, label: OPTIONAL, jsonName: "id" }],
      })),
    ],
    enumType: [{ name: "Kind", value: [{ name: "KIND_UNSPECIFIED", number: 0 }] }],
    service: [{ name: "Api", method: [{ name: "Call", inputType: ".a.v1.Req", outputType: ".a.v1.Req" }] }],
    sourceCodeInfo: {
      location: [
        { path: [2], span: [2, 0, 17] }, // package
        { path: [4, 0], span: [4, 0, 10, 1], ...(options.comment ? { leadingComments: ` ${options.comment}\n` } : {}) },
        ...fields.map((_, i) => ({ path: [4, 0, 2, i], span: [5 + i, 2, 20] })),
      ],
    },
  });
}

const messages = (entries: { message: string }[]): string[] => entries.map((e) => e.message).sort();

describe("schema elements: every addressable part of a file, from descriptors", () => {
  it("lists file, message, field, enum, enum value, service and RPC, with keys, lines and comments", () => {
    const els = fileElements(file("a/v1/a.proto", [{ name: "id", number: 1 }], { comment: "The request." }));
    assert.deepEqual(
      els.map((e) => `${e.kind} ${e.key}`),
      [
        "file file:a/v1/a.proto",
        "message message:a.v1.Req",
        "field field:a.v1.Req#1",
        "enum enum:a.v1.Kind",
        "enum value value:a.v1.Kind.KIND_UNSPECIFIED",
        "service service:a.v1.Api",
        "RPC rpc:a.v1.Api.Call",
      ],
    );
    const byKey = new Map(els.map((e) => [e.key, e]));
    const req = byKey.get("message:a.v1.Req")!;
    assert.equal(req.line, 5, "1-based line from source info");
    assert.equal(req.comments, "The request.");
    const id = byKey.get("field:a.v1.Req#1")!;
    assert.deepEqual([id.name, id.parent, id.parentKey, id.line], ["id", "a.v1.Req", "message:a.v1.Req", 6]);
    assert.deepEqual(id.tokens, ["id", "1"], "the quoted names buf uses for it");
    assert.equal(id.parentToken, "Req");
  });

  it("a proto3 optional field's synthetic oneof is its presence, not a oneof element", () => {
    const els = fileElements(file("a.proto", [{ name: "maybe", number: 1, proto3Optional: true, oneofIndex: 0 }], { oneofs: ["_maybe"] }));
    assert.ok(!els.some((e) => e.kind === "oneof"));
    const real = fileElements(file("a.proto", [{ name: "x", number: 1, oneofIndex: 0 }], { oneofs: ["choice"] }));
    assert.ok(real.some((e) => e.kind === "oneof" && e.key === "oneof:a.v1.Req.choice"));
  });
});

describe("schema diff: what changed between two revisions of a unit", () => {
  const base = [file("a.proto", [{ name: "id", number: 1 }])];

  it("an added field is one line; an added message brings its fields without listing them", () => {
    const head = [
      file(
        "a.proto",
        [
          { name: "id", number: 1 },
          { name: "deadline", number: 2 },
        ],
        { messages: ["Extra"] },
      ),
    ];
    const diff = diffSchemas(base, head);
    assert.deepEqual(messages(diff), ["added field `deadline` to `a.v1.Req`", "added message `a.v1.Extra`"]);
    assert.ok(diff.every((e) => e.category === "added"));
    assert.equal(diff.find((e) => e.element.kind === "field")?.line, 7);
  });

  it("a rename keeps the number: one 'renamed' line (the JSON name that follows it is not said again)", () => {
    const head = [file("a.proto", [{ name: "key", number: 1 }])];
    assert.deepEqual(messages(diffSchemas(base, head)), ["renamed field `id` in `a.v1.Req` to `key`"]);
  });

  it("a removed field points at its message, which still exists", () => {
    const head = [file("a.proto", [])];
    const [entry, ...rest] = diffSchemas(base, head);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [entry?.category, entry?.message, entry?.file, entry?.line],
      ["removed", "removed field `id` from `a.v1.Req`", "a.proto", 5],
    );
  });

  it("a type change, an option and a comment are each said", () => {
    const head = [file("a.proto", [{ name: "id", number: 1, type: INT32 }], { comment: "Now documented.", deprecatedReq: true })];
    const diff = diffSchemas(base, head);
    assert.deepEqual(diff.map((e) => e.category).sort(), ["changed", "comment", "options"], diff.map((e) => e.message).join("\n"));
    assert.match(
      diff.find((e) => e.category === "changed")!.message,
      /^changed type of field `id` in `a\.v1\.Req` from `string` to `int32`$/,
    );
    assert.equal(diff.find((e) => e.category === "options")!.message, "changed option `deprecated` of message `a.v1.Req`");
    assert.equal(diff.find((e) => e.category === "comment")!.message, "updated documentation of message `a.v1.Req`");
  });

  it("a message moved to another file of the unit is a move, not a removal and an addition", () => {
    const moved = [file("b.proto", [{ name: "id", number: 1 }])];
    const diff = diffSchemas(base, moved).filter((e) => e.element.kind === "message");
    assert.deepEqual(messages(diff), ["moved message `a.v1.Req` from `a.proto` to `b.proto`"]);
    assert.equal(diff[0]?.oldFile, "a.proto");
  });

  it("the same schema has no differences", () => {
    assert.deepEqual(diffSchemas(base, [file("a.proto", [{ name: "id", number: 1 }])]), []);
  });
});

describe("classify: the diff joined with buf's breaking findings", () => {
  const repoPath = (f: string): string => `proto/${f}`;
  const idAndGone: FieldSpec[] = [
    { name: "id", number: 1 },
    { name: "gone", number: 2 },
  ];
  const base = [file("a.proto", idAndGone)];
  const head = [file("a.proto", [idAndGone[0]!, { name: "added", number: 3 }], { comment: "Documented." })];
  const removal: BreakingFinding = {
    file: "a.proto",
    line: 5,
    rule: "FIELD_NO_DELETE",
    message: 'Previously present field "2" with name "gone" on message "Req" was deleted.',
  };
  const unexplained: BreakingFinding = { file: "a.proto", line: 1, rule: "FILE_SAME_GO_PACKAGE", message: "The go_package changed." };

  it("a finding that names an entry makes it breaking at the finding's position; the rest keep their kind, most severe first", () => {
    const changes = classifyChanges(diffSchemas(base, head), [removal], repoPath);
    assert.deepEqual(changes, [
      { kind: "breaking", message: "removed field `gone` from `a.v1.Req` (breaking)", file: "proto/a.proto", line: 5 },
      { kind: "additive", message: "added field `added` to `a.v1.Req`", file: "proto/a.proto", line: 7 },
      { kind: "comment", message: "updated documentation of message `a.v1.Req`", file: "proto/a.proto", line: 5 },
    ]);
    assert.equal(severityOf(changes), "breaking");
  });

  it("a finding no entry explains is listed in buf's words with its rule", () => {
    const changes = classifyChanges([], [unexplained], repoPath);
    assert.deepEqual(changes, [
      { kind: "breaking", message: "The go_package changed (breaking, FILE_SAME_GO_PACKAGE)", file: "proto/a.proto", line: 1 },
    ]);
  });

  it("a finding on another message with the same field name explains nothing", () => {
    const other: BreakingFinding = { ...removal, message: 'Previously present field "2" with name "gone" on message "Other" was deleted.' };
    const changes = classifyChanges(diffSchemas(base, head), [other], repoPath);
    assert.equal(changes.filter((c) => c.kind === "breaking").length, 1);
    assert.ok(changes.some((c) => c.message === "removed field `gone` from `a.v1.Req`" && c.kind === "change"));
  });

  it("the severity: additions and changes are minor, comments alone a patch, nothing none", () => {
    assert.equal(severityOf(classifyChanges(diffSchemas(base, base), [], repoPath)), "none");
    const commentOnly = [file("a.proto", idAndGone, { comment: "Docs." })];
    assert.equal(severityOf(classifyChanges(diffSchemas(base, commentOnly), [], repoPath)), "patch");
    assert.equal(severityOf(classifyChanges(diffSchemas(base, head), [], repoPath)), "minor");
  });
});
