import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { childLocations } from "../src/generate/source-info-index.js";

// ts-proto's own SourceInfo, whose open() childLocations stands in for.
interface SourceInfo {
  sourceCode: Record<string, unknown>;
  open(type: number, index: number): SourceInfo;
}
const fromTsProto = createRequire(createRequire(import.meta.url).resolve("ts-proto/package.json"));
const { default: TsProtoSourceInfo } = fromTsProto("./build/src/sourceInfo") as {
  default: new (map: Record<string, unknown>, self: unknown) => SourceInfo;
};

describe("the locations below one element of a file (ts-proto's SourceInfo.open)", () => {
  test("gives what ts-proto's open gives, for every element, at every depth", () => {
    // A file's locations by dotted path: messages (4), their fields (2), nested messages (3), enums (5), a service (6).
    const keys = [
      "4",
      "4.0",
      "4.0.2",
      "4.0.2.0",
      "4.0.2.1",
      "4.0.3.0",
      "4.0.3.0.2.0",
      "4.1",
      "4.1.2.0",
      "4.10.2.3",
      "5.0",
      "5.0.2.0",
      "6.0.2.1",
      "12",
      "8",
    ];
    const file = Object.fromEntries(keys.map((k) => [k, { path: k }]));
    const below = childLocations(file);
    for (const [type, index] of [
      [4, 0],
      [4, 1],
      [4, 10],
      [5, 0],
      [6, 0],
      [7, 0],
    ] as const) {
      assert.deepEqual(below(type, index), new TsProtoSourceInfo(file, undefined).open(type, index).sourceCode, `${type}.${index}`);
    }
    assert.deepEqual(below(4, 0), {
      "2": file["4.0.2"],
      "2.0": file["4.0.2.0"],
      "2.1": file["4.0.2.1"],
      "3.0": file["4.0.3.0"],
      "3.0.2.0": file["4.0.3.0.2.0"],
    });
    // One level down, from what the first open gave.
    const message = below(4, 0);
    assert.deepEqual(childLocations(message)(3, 0), new TsProtoSourceInfo(message, undefined).open(3, 0).sourceCode);
    assert.notEqual(below(4, 0), below(4, 0), "a new map on every call, as ts-proto's");
  });
});
