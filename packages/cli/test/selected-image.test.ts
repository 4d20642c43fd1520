import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mayDeclare, patternWords } from "../src/generate/selected-image.ts";

/** Plain-data tests of which files a selection compiles: no buf, no file system. */

const file = (text: string) => Buffer.from(text, "utf8");

describe("mayDeclare", () => {
  it("a file can declare a selected package only if it holds each literal segment of it, wherever its folder is", () => {
    // googleapis: google/cloud/translate/v3/*.proto declares google.cloud.translation.v3.
    const translate = file('syntax = "proto3";\npackage google . cloud /* c */ .translation.v3;\n');
    assert.ok(mayDeclare(translate, [patternWords("google.cloud.translation.**")]));
    assert.ok(mayDeclare(translate, [patternWords("google.*.translation.v3")]));
    assert.ok(!mayDeclare(translate, [patternWords("google.cloud.speech.**")]));
    // Any one alternative is enough.
    assert.ok(mayDeclare(translate, [patternWords("google.cloud.speech.**"), patternWords("google.cloud.translation.v3")]));
    // A mention in a comment makes a candidate too: buf decides on what was compiled.
    assert.ok(mayDeclare(file("// see google.cloud.speech\npackage acme.v1;\n"), [patternWords("google.cloud.speech.**")]));
  });

  it("an npm name's parts match the lowercased text (npm names lowercase the package, _ becomes -)", () => {
    const text = file("package Acme.Big_Store.v1;\n");
    assert.ok(mayDeclare(text, [{ words: ["big", "store", "v1"], lowerCase: true }]));
    assert.ok(!mayDeclare(text, [{ words: ["big", "store", "v2"], lowerCase: true }]));
    assert.ok(!mayDeclare(text, [{ words: ["big"] }]), "without lowerCase the case counts");
  });

  it("the words of a pattern leave out * and **", () => {
    assert.deepEqual(patternWords("google.cloud.**").words, ["google", "cloud"]);
    assert.deepEqual(patternWords("mesh.*.v1").words, ["mesh", "v1"]);
    assert.deepEqual(patternWords("**").words, []);
  });
});
