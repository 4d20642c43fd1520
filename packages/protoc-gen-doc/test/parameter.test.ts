// Parameter parsing (the --doc_opt / buf `opt` syntax), and how a bad parameter reaches the user.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ParameterError, parseParameter } from "../src/index.ts";
import { Workspace } from "./helpers.ts";

describe("parseParameter", () => {
  it("empty parameter: html to index.html, like Go", () => {
    const p = parseParameter("");
    assert.equal(p.format, "html");
    assert.equal(p.outFile, "index.html");
    assert.equal(p.sourceRelative, false);
    assert.deepEqual(p.excludePatterns, []);
  });

  it("format and output file; only the base name of the file is kept", () => {
    assert.deepEqual(
      { ...parseParameter("markdown,docs/api.md"), excludePatterns: undefined },
      {
        format: "markdown",
        outFile: "api.md",
        sourceRelative: false,
        excludePatterns: undefined,
        camelCaseFields: false,
        declarationOrder: false,
        filePerProto: false,
      },
    );
    assert.equal(parseParameter("json,x.json").format, "json");
    assert.equal(parseParameter("md,x.md").format, "markdown");
  });

  it("default | source_relative", () => {
    assert.equal(parseParameter("json,x.json,source_relative").sourceRelative, true);
    assert.equal(parseParameter("json,x.json,default").sourceRelative, false);
  });

  it("exclude patterns are unanchored regular expressions on the file name", () => {
    const p = parseParameter("json,x.json:Ignore*,^google/,internal");
    assert.equal(p.excludePatterns.length, 3);
    const excluded = (name: string): boolean => p.excludePatterns.some((re) => re.test(name));
    assert.equal(excluded("IgnoreMe.proto"), true);
    assert.equal(excluded("a/b/IgnoreMe.proto"), true, "unanchored");
    assert.equal(excluded("google/api/http.proto"), true);
    assert.equal(excluded("x/google/api.proto"), false, "^ anchors when asked");
    assert.equal(excluded("foo/internal/x.proto"), true);
    assert.equal(excluded("Booking.proto"), false);
  });

  it("extra options after the second colon", () => {
    const p = parseParameter("html,x.html::camel_case_fields=true,declaration_order=true,file_per_proto=true");
    assert.deepEqual(p.excludePatterns, []);
    assert.equal(p.camelCaseFields, true);
    assert.equal(p.declarationOrder, true);
    assert.equal(p.filePerProto, true);
    assert.equal(parseParameter("html,x.html:Foo:camel_case_fields=false").camelCaseFields, false);
    assert.equal(parseParameter("html,x.html:Foo:camel_case_fields=true").excludePatterns.length, 1);
  });

  const bad: [string, RegExp][] = [
    ["json", /invalid parameter "json": expected <format>,<outfile>/],
    ["json,a,b,c", /invalid parameter "json,a,b,c"/],
    ["json,x.json,relative", /invalid path mode "relative": expected "default" or "source_relative"/],
    ["pdf,x.pdf", /unknown format "pdf" \(custom templates are not supported\)/],
    ["docbook,x.xml", /unknown format "docbook" \(docbook is not supported\)/],
    ["json,x.json:(unclosed", /invalid exclude pattern "\(unclosed"/],
    ["json,x.json::camel_case=true", /invalid option "camel_case=true" after the second ":"; known options: camel_case_fields=true\|false/],
    ["json,x.json::file_per_proto=yes", /invalid option "file_per_proto=yes"/],
    ["json,x.json:a:b:c", /too many ":" sections/],
    ["json,", /invalid output file name ""/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} with a clear message`, () => {
      assert.throws(
        () => parseParameter(input),
        (err: unknown) => err instanceof ParameterError && message.test(err.message),
      );
    });
  }
});

describe("a bad parameter through buf", () => {
  let ws: Workspace;
  before(() => {
    ws = new Workspace({ "a.proto": 'syntax = "proto3";\npackage a;\nmessage A {}\n' });
  });
  after(() => ws.dispose());

  it("buf generate fails and shows the plugin's message", async () => {
    await assert.rejects(ws.generate(["pdf,out.pdf"]), (err: Error) => {
      assert.match(err.message, /buf generate failed/);
      assert.match(err.message, /protoc-gen-doc: unknown format "pdf" \(custom templates are not supported\)/);
      return true;
    });
  });
});
