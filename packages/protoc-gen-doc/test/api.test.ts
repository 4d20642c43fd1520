// The library API used by other packages (the docs site): buildDocModel and the renderers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorSetSchema, type FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import { buildDocModel, renderHtml, renderJson, renderMarkdown, type DocModel } from "../src/index.ts";
import { Workspace, conformanceProtos } from "./helpers.ts";

const NAMES = ["Booking.proto", "Customer.proto", "IgnoreMe.proto", "Vehicle.proto"];

describe("buildDocModel", () => {
  let ws: Workspace;
  let set: FileDescriptorSet;
  before(async () => {
    ws = new Workspace(conformanceProtos(), { conformanceDeps: true });
    set = fromBinary(FileDescriptorSetSchema, await ws.image());
  });
  after(() => ws.dispose());

  it("gives the same model from DescFiles as from a CodeGeneratorRequest", () => {
    const fromRequest = buildDocModel(create(CodeGeneratorRequestSchema, { fileToGenerate: NAMES, protoFile: set.file }), {
      excludePatterns: [/Ignore/],
    });
    const registry = createFileRegistry(set);
    const files = NAMES.map((n) => registry.getFile(n)).filter((f) => f !== undefined);
    const fromFiles: DocModel = buildDocModel(files, { excludePatterns: [/Ignore/] });
    assert.deepEqual(fromFiles, fromRequest);
    assert.deepEqual(
      fromFiles.files.map((f) => f.name),
      ["Booking.proto", "Customer.proto", "Vehicle.proto"],
    );
    // Options from imported files (google.api.http) are resolved from the DescFiles' imports.
    const method = fromFiles.files[0]?.services[0]?.methods?.[0];
    assert.deepEqual(method?.options, {
      "google.api.http": { rules: [{ method: "POST", pattern: "/api/bookings/vehicle/{vehicle_id}", body: "*" }] },
    });
  });

  it("renderers take the model directly", () => {
    const model = buildDocModel(create(CodeGeneratorRequestSchema, { fileToGenerate: ["Booking.proto"], protoFile: set.file }));
    assert.deepEqual(JSON.parse(renderJson(model)), model);
    assert.match(renderMarkdown(model), /^# Protocol Documentation\n/);
    assert.match(renderHtml(model), /<h3 id="com-example-BookingService">BookingService<\/h3>/);
  });
});

describe("comment attribution under buf", () => {
  let ws: Workspace;
  let model: DocModel;
  before(async () => {
    ws = new Workspace({
      "c.proto": [
        'syntax = "proto3";',
        "package c;",
        "message M {",
        "  int32 a = 1; /** Trailing of a. */",
        "  int32 b = 2;",
        "  /** Leading of c, on its own line. */",
        "  int32 c = 3;",
        "  int32 d = 4;",
        "}",
        "",
      ].join("\n"),
    });
    const set = fromBinary(FileDescriptorSetSchema, await ws.image());
    model = buildDocModel(create(CodeGeneratorRequestSchema, { fileToGenerate: ["c.proto"], protoFile: set.file }));
  });
  after(() => ws.dispose());

  it("a block comment after an element on its line documents that element (as with protoc)", () => {
    const d = Object.fromEntries((model.files[0]?.messages[0]?.fields ?? []).map((f) => [f.name, f.description]));
    assert.deepEqual(d, { a: "Trailing of a.", b: "", c: "Leading of c, on its own line.", d: "" });
  });
});
