// protoc-style use: a CodeGeneratorRequest on stdin, a CodeGeneratorResponse on stdout.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
  type CodeGeneratorResponse,
} from "@bufbuild/protobuf/wkt";
import { PLUGIN_BIN, PLUGIN_SHIM, REPO_ROOT, Workspace, conformanceProtos, must, run } from "./helpers.ts";

describe("protoc-style invocation over stdin/stdout", () => {
  let ws: Workspace;
  let request: (parameter: string) => Uint8Array;
  before(async () => {
    ws = new Workspace(conformanceProtos(), { conformanceDeps: true });
    const set = fromBinary(FileDescriptorSetSchema, await ws.image());
    request = (parameter) =>
      toBinary(
        CodeGeneratorRequestSchema,
        create(CodeGeneratorRequestSchema, {
          fileToGenerate: ["Booking.proto", "Customer.proto", "IgnoreMe.proto", "Vehicle.proto"],
          parameter,
          protoFile: set.file,
          compilerVersion: { major: 29, minor: 3, patch: 0 },
        }),
      );
  });
  after(() => ws.dispose());

  async function invoke(cmd: string, args: string[], parameter: string): Promise<CodeGeneratorResponse> {
    const res = await run(cmd, args, { cwd: REPO_ROOT, input: request(parameter) });
    assert.equal(res.code, 0, res.stderr);
    return fromBinary(CodeGeneratorResponseSchema, res.stdout);
  }

  it("bin/protoc-gen-doc.js answers a request; output equals what buf generate produces", async () => {
    const res = await invoke(process.execPath, [PLUGIN_BIN], "json,example.json:Ignore*");
    assert.equal(res.error ?? "", "");
    assert.deepEqual(
      res.file.map((f) => f.name),
      ["example.json"],
    );
    const features = Number(res.supportedFeatures);
    assert.ok(features & CodeGeneratorResponse_Feature.PROTO3_OPTIONAL, "declares proto3 optional support");
    assert.ok(features & CodeGeneratorResponse_Feature.SUPPORTS_EDITIONS, "declares editions support");
    const viaBuf = must(await ws.generate(["json,example.json:Ignore*"]), "example.json");
    assert.deepEqual(JSON.parse(res.file[0]?.content ?? ""), JSON.parse(viaBuf));
  });

  it("the node_modules/.bin shim works the same way, for every format", async () => {
    for (const [param, name, marker] of [
      ["markdown,doc.md", "doc.md", "# Protocol Documentation"],
      ["html,doc.html", "doc.html", "<!DOCTYPE html>"],
    ] as const) {
      const res = await invoke(PLUGIN_SHIM, [], param);
      assert.deepEqual(
        res.file.map((f) => f.name),
        [name],
      );
      assert.ok(res.file[0]?.content.startsWith(marker));
      assert.match(res.file[0]?.content ?? "", /IgnoreMe\.proto/, "no exclude pattern given, so IgnoreMe.proto is documented");
    }
  });

  it("a bad parameter is reported in CodeGeneratorResponse.error (protoc prints it)", async () => {
    const res = await invoke(process.execPath, [PLUGIN_BIN], "json");
    assert.match(res.error ?? "", /^protoc-gen-doc: invalid parameter "json": expected <format>,<outfile>/);
    assert.deepEqual(res.file, []);
  });

  it("--version prints the version", async () => {
    const res = await run(process.execPath, [PLUGIN_BIN, "--version"], { cwd: REPO_ROOT });
    assert.equal(res.code, 0);
    assert.match(res.stdout.toString(), /^protoc-gen-doc v\d+\.\d+\.\d+\n$/);
  });
});
