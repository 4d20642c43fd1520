import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ruleGroups } from "../src/buf/breaking.ts";
import type { BufWorkspace } from "../src/buf/buf-config.ts";
import { breakingFileOf, describeDiagnostic, firstComplaint, parseDiagnostics } from "../src/buf/diagnostics.ts";

describe("buf diagnostics (pure)", () => {
  it("reads every JSON line and skips the rest", () => {
    const output = [
      "Failure: something first",
      '{"path":"a/b.proto","start_line":3,"start_column":5,"type":"COMPILE","message":"syntax error"}',
      "",
      "{not json",
      '{"start_line":1,"start_column":1,"type":"FILE_NO_DELETE","message":"Previously present file \\"x/y.proto\\" was deleted."}',
      "[1,2]",
    ].join("\n");
    const found = parseDiagnostics(output);
    assert.deepEqual(
      found.map((d) => [d.path, d.type]),
      [
        ["a/b.proto", "COMPILE"],
        [undefined, "FILE_NO_DELETE"],
      ],
    );
  });

  it("describes a diagnostic as file:line:col: message (TYPE), and buf's first complaint", () => {
    assert.equal(
      describeDiagnostic({ path: "a.proto", start_line: 3, start_column: 1, message: "syntax error", type: "COMPILE" }),
      "a.proto:3:1: syntax error (COMPILE)",
    );
    assert.equal(describeDiagnostic({}), "?:0:0: does not compile");
    assert.equal(firstComplaint('\n{"path":"a.proto","start_line":2,"start_column":4,"message":"m"}\n', "none"), "a.proto:2:4: m");
    assert.equal(firstComplaint("\n  Failure: buf.yaml: bad\n", "none"), "Failure: buf.yaml: bad");
    assert.equal(firstComplaint("", "buf build exited 1"), "buf build exited 1");
  });

  it("names the file of a breaking diagnostic, FILE_NO_DELETE's from its Go-quoted message", () => {
    assert.equal(breakingFileOf({ path: "p/a.proto" }), "p/a.proto");
    assert.equal(breakingFileOf({ message: 'Previously present file "p/we\\"ird.proto" was deleted.' }), 'p/we"ird.proto');
    assert.equal(breakingFileOf({ message: "no file here" }), "");
  });
});

describe("ruleGroups (pure)", () => {
  const module = (root: string, use: string[]) => ({ root, excludes: [`${root}/vendor`], breaking: { use }, lint: {} });
  const workspace: BufWorkspace = {
    configFile: "buf.yaml",
    dir: "",
    modules: [module("wire", ["WIRE"]), module("strict", ["FILE"]), module("also-strict", ["FILE"])],
    configFiles: ["buf.yaml", "buf.lock"],
  };

  it("groups files by their module's rules, modules with equal rules together, by module-relative name", () => {
    const groups = ruleGroups(workspace, [
      "wire/a/x.proto",
      "strict/b/y.proto",
      "also-strict/c/z.proto",
      "elsewhere/q.proto",
      "wire/vendor/v.proto",
    ]);
    assert.deepEqual(
      groups.map((g) => [g.rules, [...g.files]]),
      [
        [{ use: ["WIRE"] }, [["a/x.proto", "wire/a/x.proto"]]],
        [
          { use: ["FILE"] },
          [
            ["b/y.proto", "strict/b/y.proto"],
            ["c/z.proto", "also-strict/c/z.proto"],
          ],
        ],
      ],
    );
  });

  it("one group when every module shares its rules (one buf run, no --path)", () => {
    const same: BufWorkspace = { ...workspace, modules: [module("a", ["FILE"]), module("b", ["FILE"])] };
    assert.equal(ruleGroups(same, ["a/x.proto", "b/y.proto"]).length, 1);
  });
});
