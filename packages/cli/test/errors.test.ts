import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs, type RunResult } from "@protoship/testkit";
import { BUF_YAML, ORDER_ADDITIVE, shopRepo } from "./fixtures.ts";

/** A billion-laughs document: six levels of nine aliases each. */
const YAML_BOMB =
  [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    ..."bcdef".split("").map((k, i) => {
      const prev = "abcdef"[i]!;
      return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(", ")}]`;
    }),
  ].join("\n") + "\n";

const INTERNAL = / — this is a bug in protoship, please report it \(run with --verbose or PROTOSHIP_DEBUG=1 for the stack\)$/;

/** The error output is one `protoship:` line, at most followed by a `hint:` line, and no stack trace. */
function assertOneLine(r: RunResult, pattern: RegExp): void {
  const lines = r.stderr
    .trimEnd()
    .split("\n")
    .filter((l) => !l.startsWith("  hint: "));
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
}

describe("errors: one line, a documented exit code, no stack unless asked", { timeout: 180_000 }, () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  it("an unexpected failure is an internal error: one line, exit 3, the stack only with --verbose or PROTOSHIP_DEBUG=1", async () => {
    const repo = await shopRepo(fresh());
    // stubs.outDir's parent is a file: generate's mkdir fails in a way protoship does not plan for.
    await repo.write("protoship.yaml", "stubs:\n  outDir: out/stubs\n");
    await repo.write("out", "a file, not a folder\n");
    const plain = await protoship(repo.dir, ["generate"]);
    assert.equal(plain.code, 3);
    assertOneLine(plain, /^protoship: internal error: .*(EEXIST|ENOTDIR).*/);
    assert.match(plain.stderr.trimEnd(), INTERNAL);
    const verbose = await protoship(repo.dir, ["--verbose", "generate"]);
    const debug = await protoship(repo.dir, ["generate"], undefined, { PROTOSHIP_DEBUG: "1" });
    for (const r of [verbose, debug]) {
      assert.equal(r.code, 3);
      assert.match(r.stderr, /^protoship: internal error: .*(EEXIST|ENOTDIR)/m);
      assert.match(r.stderr, /^\s+at .*generateStubs/m, "the stack is printed");
    }
  });

  it("a failure the docs site did not plan for is an internal error (exit 3), not the user's mistake (exit 2)", async () => {
    const repo = await shopRepo(fresh());
    // docs.outDir's parent is a file: the site's folder swap fails in a way nobody plans for.
    await repo.write("protoship.yaml", "docs:\n  outDir: out/site\n");
    await repo.write("out", "a file, not a folder\n");
    const r = await protoship(repo.dir, ["docs", "--no-versions"]);
    assert.equal(r.code, 3, r.stderr);
    assertOneLine(r, /^protoship: internal error: .*(EEXIST|ENOTDIR).*/);
    assert.match(r.stderr.trimEnd(), INTERNAL);
  });

  it("a YAML alias bomb in protoship.yaml is a one-line configuration error with file:line:col", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", YAML_BOMB);
    await repo.commitAll("alias bomb"); // release commands read the committed configuration
    const r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 2);
    assertOneLine(r, /^protoship: (at HEAD: )?protoship\.yaml:2:\d+: .*alias/);
  });

  it("YAML syntax errors name file:line:col in both buf.yaml and protoship.yaml", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", "stubs:\n  scope: [\n");
    await repo.commitAll("broken protoship.yaml");
    let r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 2);
    assertOneLine(r, /^protoship: (at HEAD: )?protoship\.yaml:\d+:\d+: invalid YAML: /);
    await repo.remove("protoship.yaml");
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n   bad: [\n");
    await repo.commitAll("broken buf.yaml");
    r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 2);
    assertOneLine(r, /^protoship: (at HEAD: )?buf\.yaml:4:\d+: invalid YAML: /);
  });

  it("a buf.yaml of the wrong shape is a configuration error with file:line:col in every command", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n    excludes: 5\n");
    await repo.commitAll("excludes of the wrong type");
    await repo.write("proto/shop/order/v1/order.proto", ORDER_ADDITIVE);
    for (const args of [["release", "plan"], ["generate"], ["check"], ["docs"]]) {
      const r = await protoship(repo.dir, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assertOneLine(r, /^protoship: (at HEAD: )?buf\.yaml:4:5: modules\.0\.excludes: expected array/);
    }
  });

  it("buf's own configuration errors exit 2 from every command with buf's whole message", async () => {
    const repo = await shopRepo(fresh());
    // protoship tolerates keys it does not read (buf evolves); buf itself refuses this one.
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n    bogus: 1\n");
    await repo.commitAll("a key buf does not know");
    await repo.write("proto/shop/order/v1/order.proto", ORDER_ADDITIVE);
    for (const args of [["release", "plan"], ["generate"], ["check"], ["docs"]]) {
      const r = await protoship(repo.dir, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assertOneLine(r, /^protoship: .*decode buf\.yaml: yaml: unmarshal errors: line 4: field bogus not found$/);
    }
  });

  it("-C names a missing folder, a file or a folder outside git: each said as such, exit 2", async () => {
    const repo = await shopRepo(fresh());
    const missing = path.join(root(), "no", "such", "dir");
    let r = await protoship(repo.dir, ["-C", missing, "check"]);
    assert.equal(r.code, 2);
    assertOneLine(r, /^protoship: -C .*no\/such\/dir: no such folder$/);
    assert.doesNotMatch(r.stderr, /install git|ENOENT/);
    r = await protoship(repo.dir, ["-C", path.join(repo.dir, "buf.yaml"), "release", "plan"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^protoship: -C .*buf\.yaml: not a folder$/m);
    const plain = fresh("plain");
    await mkdir(plain);
    r = await protoship(repo.dir, ["-C", plain, "check"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^protoship: .*plain-\d+ is not inside a git repository$/m);
  });

  it("an unknown commit on the pre-push input says so, exit 2", async () => {
    const repo = await shopRepo(fresh());
    const unknown = "1234567890".repeat(4);
    const input = `refs/heads/main ${unknown} refs/heads/main ${unknown}\n`;
    const r = await protoship(repo.dir, ["check", "--pre-push", "--remote", "origin"], input);
    assert.equal(r.code, 2);
    assertOneLine(r, new RegExp(`^protoship: pre-push: refs/heads/main is at ${unknown}, which is not in this repository$`));
  });

  it("protoship.yaml and buf.yaml over 1 MiB are refused before parsing", async () => {
    const repo = await shopRepo(fresh());
    const big = `stubs:\n  scope: "@${"a".repeat(2 * 1024 * 1024)}"\n`;
    await repo.write("protoship.yaml", big);
    await repo.commitAll("big protoship.yaml");
    let r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 2);
    assertOneLine(r, /^protoship: (at HEAD: )?protoship\.yaml: \d+ bytes, over the 1 MiB limit for configuration files$/);
    await repo.remove("protoship.yaml");
    await repo.write("buf.yaml", `${BUF_YAML}# ${"x".repeat(2 * 1024 * 1024)}\n`);
    await repo.commitAll("big buf.yaml");
    r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 2);
    assertOneLine(r, /^protoship: (at HEAD: )?buf\.yaml: \d+ bytes, over the 1 MiB limit for configuration files$/);
  });

  it("bufYaml outside the repository is refused and nothing of the outside file is echoed", async () => {
    const repo = await shopRepo(fresh());
    const outside = fresh("outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "buf.yaml"), "version: SECRET-FROM-OUTSIDE\n");
    await repo.write("protoship.yaml", `bufYaml: ../${path.basename(outside)}/buf.yaml\n`);
    await repo.commitAll("bufYaml outside");
    await repo.write("proto/shop/order/v1/order.proto", ORDER_ADDITIVE);
    for (const args of [["release", "plan"], ["generate"], ["check"], ["docs"]]) {
      const r = await protoship(repo.dir, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assertOneLine(r, /^protoship: (at HEAD: )?bufYaml: ".*" is outside the repository$/);
      assert.doesNotMatch(r.stderr + r.stdout, /SECRET/);
    }
    // A buf.yaml that is a symlink to a file outside is refused the same way.
    await repo.remove("protoship.yaml");
    await repo.remove("buf.yaml");
    await symlink(path.join(outside, "buf.yaml"), path.join(repo.dir, "buf.yaml"));
    const r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /outside the repository/);
    assert.doesNotMatch(r.stderr + r.stdout, /SECRET/);
  });
});
