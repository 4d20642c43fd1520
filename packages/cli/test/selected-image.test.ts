import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchesPackage } from "../src/generate/select-units.ts";
import {
  mayDeclare,
  patternWords,
  plainPackageStatements,
  quotedOrCommented,
  type ModuleSelection,
} from "../src/generate/selected-image.ts";

/** Plain-data tests of which files a selection compiles: no buf, no file system. */

const file = (text: string) => Buffer.from(text, "utf8");
const include = (...patterns: string[]): ModuleSelection => ({
  selected: (p) => patterns.some((pattern) => matchesPackage(pattern, p)),
  alternatives: patterns.map(patternWords),
});

describe("mayDeclare", () => {
  it("a file that declares a selected package is a candidate wherever its folder is; one declaring another package is not", () => {
    // googleapis: google/cloud/translate/v3/*.proto declares google.cloud.translation.v3.
    const translate = file('syntax = "proto3";\npackage google.cloud.translation.v3;\nimport "google/cloud/speech/v1/x.proto";\n');
    assert.ok(mayDeclare(translate, include("google.cloud.translation.**")));
    assert.ok(mayDeclare(translate, include("google.*.translation.v3")));
    assert.ok(mayDeclare(translate, include("google.cloud.speech.**", "google.cloud.translation.v3")));
    // It names speech's words (an import), but its one plain statement declares another package.
    assert.ok(!mayDeclare(translate, include("google.cloud.speech.**")));
    assert.ok(!mayDeclare(file("package google.cloud.kms.v1;\n"), include("google.cloud.speech.**")), "lacks the words");
  });

  it("the word package surely inside a comment or a string is passed over; any other use (a statement with a comment inside, a field) keeps a file with the words a candidate", () => {
    const speech = include("google.cloud.speech.**");
    assert.ok(!mayDeclare(file("// The package for google cloud speech.\npackage acme.v1;\n"), speech));
    assert.ok(!mayDeclare(file('  pattern: "google/cloud/speech/{package}"; // speech\npackage acme.v1;\n'), speech));
    // A line inside a block comment reads as code unless it says otherwise: not sure, a candidate.
    assert.ok(mayDeclare(file("/* google cloud speech\n   the package */\npackage acme.v1;\n"), speech));
    assert.ok(mayDeclare(file("/* google cloud speech */ package\n  google.cloud.speech.v1;\n"), speech), "after the comment ends");
    assert.ok(mayDeclare(file("// google cloud speech\nmessage M { string package = 1; }\npackage acme.v1;\n"), speech), "a field");
    assert.ok(mayDeclare(file("package google /* c */ .cloud.speech.v1;\n"), speech));
    assert.ok(mayDeclare(file("package\n  google . cloud\n  .speech.v2 ;\n"), speech), "whitespace is plain");
    assert.ok(!mayDeclare(file('option java_package = "x";\npackage google.cloud.other.v1; // speech\n'), speech));
  });

  it("an npm name's parts match the lowercased text (npm names lowercase the package, _ becomes -)", () => {
    const text = file("package Acme.Big_Store.v1;\n");
    const by = (words: string[], lowerCase?: boolean): ModuleSelection => ({
      selected: () => true,
      alternatives: [{ words, ...(lowerCase ? { lowerCase } : {}) }],
    });
    assert.ok(mayDeclare(text, by(["big", "store", "v1"], true)));
    assert.ok(!mayDeclare(text, by(["big", "store", "v2"], true)));
    assert.ok(!mayDeclare(text, by(["big"])), "without lowerCase the case counts");
  });

  it("plain statements and words", () => {
    assert.deepEqual(plainPackageStatements("package a.b;\n// x\n"), ["a.b"]);
    assert.deepEqual(plainPackageStatements('syntax = "proto3";\n'), []);
    assert.deepEqual(plainPackageStatements("// this package\npackage a.b;\n"), ["a.b"]);
    assert.equal(plainPackageStatements("string package = 1;\npackage a.b;\n"), undefined);
    // Looked for in a short window first, then in the long one (4 KiB).
    assert.deepEqual(plainPackageStatements(`package\n${" ".repeat(300)}a . b\n${" ".repeat(300)};\n`), ["a.b"]);
    assert.equal(plainPackageStatements(`package a${" ".repeat(5000)};\n`), undefined);
  });

  it("quotedOrCommented: whether the rest of a line is surely in a comment or a string, whatever came before the line", () => {
    for (const before of ["// ", "  x = 1; // ", '"', 'option a = "b\\"', "'it", "/* ", 'a = "//"; /* '])
      assert.ok(quotedOrCommented(before), before);
    // A block comment open before the line may end on it: after `*\/`, nothing is sure.
    for (const before of ["", "  ", 'a = "b"; ', "*/ ", "// x */ ", 'a = "//" ']) assert.ok(!quotedOrCommented(before), before);
    assert.deepEqual(patternWords("google.cloud.**").words, ["google", "cloud"]);
    assert.deepEqual(patternWords("mesh.*.v1").words, ["mesh", "v1"]);
    assert.deepEqual(patternWords("**").words, []);
  });
});
