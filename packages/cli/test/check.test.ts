import { stripVTControlCharacters } from "node:util";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import path from "node:path";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { CUSTOMER_V1, ORDER_ADDITIVE, ORDER_BREAKING, ORDER_V1, findingsOf, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";

describe("protoship check", () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  it("reports nothing and exits 0 when no .proto changed", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("README.md", "hello\n");
    const r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no \.proto changes/);
  });

  it("finds a breaking change in the working tree with buf's rule, message and position", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_BREAKING);
    const r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    const findings = findingsOf(r.stdout);
    assert.deepEqual(
      findings.map((f) => [f.file, f.line, f.column, f.rule]),
      [[ORDER, 10, 3, "FIELD_SAME_TYPE"]],
    );
    assert.match(findings[0]!.message, /changed type from "int32" to "int64"/);
  });

  it("prints file:line:col: message (RULE) grouped by file, and a summary", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_BREAKING + "\nmessage bad_name {}\n");
    const r = await protoship(repo.dir, ["check"], undefined, { NO_COLOR: "1" });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^proto\/shop\/order\/v1\/order\.proto:10:3: Field "2" with name "quantity" .* \(FIELD_SAME_TYPE\)$/m);
    assert.match(r.stdout, /order\.proto:13:9: Message name "bad_name" should be PascalCase.* \(MESSAGE_PASCAL_CASE\)$/m);
    assert.match(r.stdout, /\n\n✖ 2 findings in 1 file \(1 breaking, 1 lint\); 1 \.proto file checked\n$/);
  });

  it("accepts an additive change", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_ADDITIVE);
    const r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 \.proto file checked, no findings/);
  });

  it("lints added-only files instead of failing like buf's 'no .proto files were targeted'", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("proto/shop/billing/v1/invoice.proto", 'syntax = "proto3";\npackage shop.billing.v1;\nmessage invoice {}\n');
    const r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    const rules = findingsOf(r.stdout)
      .map((f) => f.rule)
      .sort();
    assert.ok(rules.includes("MESSAGE_PASCAL_CASE"), rules.join());
    assert.ok(!rules.some((x) => x.startsWith("FILE_")), "no breaking finding for a new file");
  });

  it("reports a deleted file as FILE_NO_DELETE, and a rename too", async () => {
    const repo = await shopRepo(fresh());
    await repo.remove("proto/shop/order/v1/customer.proto");
    let r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => [f.file, f.rule]),
      [["proto/shop/order/v1/customer.proto", "FILE_NO_DELETE"]],
    );

    await repo.write("proto/shop/order/v1/client.proto", CUSTOMER_V1);
    await repo.git("add", "-A");
    assert.match(await repo.git("diff", "--cached", "-M", "--name-status"), /^R/m);
    r = await protoship(repo.dir, ["check", "--staged", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FILE_NO_DELETE"],
    );
  });

  it("--staged during a merge with conflicts: exit 2 naming the conflicted file, not an internal error", async () => {
    const repo = await shopRepo(fresh());
    await repo.git("checkout", "-q", "-b", "other");
    await repo.write(ORDER, ORDER_V1.replace("message Order {", "// Other side.\nmessage Order {"));
    await repo.commitAll("other side");
    await repo.git("checkout", "-q", "-");
    await repo.write(ORDER, ORDER_V1.replace("message Order {", "// This side.\nmessage Order {"));
    await repo.commitAll("this side");
    await assert.rejects(repo.git("merge", "other"), "the merge conflicts");
    const r = await protoship(repo.dir, ["check", "--staged"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /unresolved merge conflicts \(proto\/shop\/order\/v1\/order\.proto\)/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it("checks everything when buf.yaml changes", async () => {
    const repo = await shopRepo(fresh());
    // order.proto has a lint violation that buf.yaml waives...
    await repo.write(ORDER, ORDER_V1 + "\n// Lower.\nmessage lower_case {}\n");
    await repo.write(
      "buf.yaml",
      (await repo.read("buf.yaml")).replace("use: [STANDARD]", "use: [STANDARD]\n  ignore: [proto/shop/order/v1/order.proto]"),
    );
    await repo.commitAll("waived");
    // ...and the change only lifts the waiver: order.proto itself is untouched.
    await repo.write("buf.yaml", (await repo.read("buf.yaml")).replace("\n  ignore: [proto/shop/order/v1/order.proto]", ""));
    const r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => [f.file, f.rule]),
      [[ORDER, "MESSAGE_PASCAL_CASE"]],
    );
    // The summary and the JSON name what buf checked: both files of the module, not a placeholder.
    assert.deepEqual((JSON.parse(r.stdout) as { checkedFiles: string[] }).checkedFiles, ["proto/shop/order/v1/customer.proto", ORDER]);
    const text = await protoship(repo.dir, ["check"]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(
      stripVTControlCharacters(text.stdout),
      /✖ 1 finding in 1 file \(1 lint\); all 2 \.proto files checked \(buf configuration changed\)\n$/,
    );
    // A third file and a buf.yaml change that waives nothing: all three are checked, no findings.
    await repo.write("buf.yaml", (await repo.read("buf.yaml")).replace("\n  ignore: [proto/shop/order/v1/order.proto]", ""));
    await repo.write(ORDER, ORDER_V1);
    await repo.write("proto/shop/order/v1/note.proto", 'syntax = "proto3";\n\npackage shop.order.v1;\n\n// A note.\nmessage Note {}\n');
    await repo.commitAll("three files");
    await repo.write("buf.yaml", `${await repo.read("buf.yaml")}# reviewed\n`);
    const clean = await protoship(repo.dir, ["check"]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(stripVTControlCharacters(clean.stdout), /^✔ all 3 \.proto files checked \(buf configuration changed\), no findings\n$/);
  });

  it("handles file names with spaces and non-ASCII characters", async () => {
    const repo = await shopRepo(fresh());
    const odd = "proto/shop/order/v1/ünïcode name.proto";
    await repo.write(odd, 'syntax = "proto3";\npackage shop.order.v1;\nmessage lower {}\n');
    await repo.commitAll("odd file");
    await repo.write(odd, 'syntax = "proto3";\npackage shop.order.v1;\nmessage lower2 {}\n');
    const r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    const findings = findingsOf(r.stdout);
    assert.ok(
      findings.some((f) => f.file === odd && f.rule === "MESSAGE_PASCAL_CASE"),
      JSON.stringify(findings),
    );
    assert.ok(
      findings.some((f) => f.file === odd && f.rule === "MESSAGE_NO_DELETE"),
      JSON.stringify(findings),
    );
  });

  it("works on the first commit of a repository and in a repository with no commit", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\nlint:\n  use: [STANDARD]\n");
    await repo.write(ORDER, ORDER_V1);
    let r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 \.proto file checked/);
    await repo.commitAll("first");
    await repo.write(ORDER, ORDER_BREAKING);
    r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_SAME_TYPE"],
    );
  });

  it("falls back to main for a branch without upstream, and works on a detached HEAD", async () => {
    const repo = await shopRepo(fresh());
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.write(ORDER, ORDER_BREAKING);
    await repo.commitAll("breaking on a branch");
    let r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_SAME_TYPE"],
    );
    await repo.git("checkout", "-q", "--detach", "HEAD");
    r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_SAME_TYPE"],
    );
  });

  it("compares with the upstream: HEAD at it, and HEAD ahead of it (the merge-base); a broken protoship.yaml is refused even with nothing changed", async () => {
    const repo = await shopRepo(fresh());
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.git("branch", "-q", "--set-upstream-to", "main");
    const findsTheChangeAgainstUpstream = async (): Promise<void> => {
      const r = await protoship(repo.dir, ["check", "--format", "json"]);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).comparisons, ["upstream..worktree"]);
      assert.deepEqual(
        findingsOf(r.stdout).map((f) => [f.file, f.line, f.column, f.rule]),
        [[ORDER, 10, 3, "FIELD_SAME_TYPE"]],
      );
    };
    await repo.write(ORDER, ORDER_BREAKING);
    await findsTheChangeAgainstUpstream();
    // Committed on the branch: main, the upstream, is behind HEAD and is still the base.
    await repo.commitAll("breaking on a branch");
    await findsTheChangeAgainstUpstream();
    // HEAD at its upstream again, nothing changed: protoship.yaml is still read, and refused.
    await repo.git("branch", "-q", "-f", "main", "HEAD");
    await repo.write("protoship.yaml", "stubs:\n  bogus: 1\n");
    const broken = await protoship(repo.dir, ["check"]);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /protoship\.yaml/);
  });

  it("deepens a shallow clone to find the base, as CI checkouts need", async () => {
    const origin = await shopRepo(fresh());
    for (let i = 0; i < 3; i++) {
      await origin.write(
        `proto/shop/order/v1/extra${i}.proto`,
        `syntax = "proto3";\npackage shop.order.v1;\n// E.\nmessage Extra${i} {}\n`,
      );
      await origin.commitAll(`extra ${i}`);
    }
    await origin.git("checkout", "-q", "-b", "feature");
    await origin.write(ORDER, ORDER_BREAKING);
    await origin.commitAll("breaking");
    await origin.git("checkout", "-q", "main");
    await origin.write("proto/shop/order/v1/extra9.proto", `syntax = "proto3";\npackage shop.order.v1;\n// E.\nmessage Extra9 {}\n`);
    await origin.commitAll("main moves on");
    const clone = await GitFixture.clone(`file://${origin.dir}`, fresh(), ["--depth=1", "--branch", "feature", "--no-single-branch"]);
    assert.equal(await clone.git("rev-parse", "--is-shallow-repository"), "true");
    const r = await protoship(clone.dir, ["check", "--against", "origin/main", "--format", "json"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_SAME_TYPE"],
    );
  });

  it("says exactly what to run when a shallow clone cannot be deepened", async () => {
    const origin = await shopRepo(fresh());
    await origin.write(ORDER, ORDER_ADDITIVE);
    await origin.commitAll("second");
    const clone = await GitFixture.clone(`file://${origin.dir}`, fresh(), ["--depth=1"]);
    await clone.git("remote", "set-url", "origin", path.join(root(), "gone.git"));
    await clone.git("update-ref", "refs/heads/old", (await origin.git("rev-parse", "HEAD~1")).trim()).catch(() => undefined);
    const r = await protoship(clone.dir, ["check", "--against", "old"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /git fetch/);
  });

  it("exits 2 with a one-line cause for an unknown ref, a bad config and a missing buf.yaml", async () => {
    const repo = await shopRepo(fresh());
    let r = await protoship(repo.dir, ["check", "--against", "no-such-ref"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^protoship: unknown revision "no-such-ref"$/m);
    await repo.write("protoship.yaml", "stubs:\n  scope: mesh\n  colour: blue\n");
    r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^protoship: protoship\.yaml:2:3: stubs\.scope: /m);
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@mesh"\n  colour: blue\n');
    r = await protoship(repo.dir, ["check"]);
    assert.match(r.stderr, /^protoship: protoship\.yaml:3:3: stubs\.colour: unknown key/m);
    await repo.remove("protoship.yaml");
    await repo.remove("buf.yaml");
    r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /buf\.yaml: not found/);
    r = await protoship(repo.dir, ["check", "--skip", "typo"]);
    assert.equal(r.code, 2);
  });

  it("runs in another folder with -C and rewrites formatting with --fix", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_V1.replace("message Order {", "message   Order{"));
    let r = await protoship(root(), ["-C", repo.dir, "check", "--format", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => [f.rule, f.line]),
      [["FORMAT", 6]],
    );
    r = await protoship(root(), ["-C", repo.dir, "check", "--fix"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await repo.read(ORDER), ORDER_V1);
  });

  it("emits GitHub Actions annotations with escaped data", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_BREAKING);
    const r = await protoship(repo.dir, ["check", "--format", "github-actions"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^::error file=proto\/shop\/order\/v1\/order\.proto,line=10,endLine=10,col=3,endColumn=\d+,title=FIELD_SAME_TYPE \(buf breaking\)::Field "2"/m,
    );
  });
  describe("what is checked comes from git, never from ignored files", () => {
    const SECRET = "proto/shop/order/v1/secret.proto";
    const IMPORTING = ORDER_ADDITIVE.replace(
      "package shop.order.v1;\n",
      'package shop.order.v1;\n\nimport "shop/order/v1/secret.proto";\n',
    ).replace("string note = 3;", "Secret note = 3;");
    async function withIgnoredSecret(): Promise<GitFixture> {
      const repo = await shopRepo(fresh());
      await repo.write(".gitignore", "secret.proto\n");
      await repo.commitAll("ignore");
      await repo.write(SECRET, 'syntax = "proto3";\npackage shop.order.v1;\n// S.\nmessage Secret {}\n');
      return repo;
    }
    const compileErrorIn = (stdout: string, file: string): boolean =>
      findingsOf(stdout).some((f) => f.file === file && f.rule === "COMPILE");

    it("--staged checks the index: an untracked or ignored file does not satisfy an import", async () => {
      const repo = await withIgnoredSecret();
      await repo.write(ORDER, IMPORTING);
      await repo.git("add", ORDER);
      let r = await protoship(repo.dir, ["check", "--staged", "--format", "json"]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(compileErrorIn(r.stdout, ORDER), r.stdout);
      await repo.write(".gitignore", "");
      r = await protoship(repo.dir, ["check", "--staged", "--format", "json"]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(compileErrorIn(r.stdout, ORDER), r.stdout);
    });

    it("--against reads the base from git: an ignored file does not make a broken base compile", async () => {
      const repo = await withIgnoredSecret();
      await repo.write(ORDER, IMPORTING);
      await repo.git("add", ORDER);
      const broken = await repo.commitAll("imports an ignored file");
      await repo.write(ORDER, ORDER_V1);
      await repo.commitAll("back");
      const r = await protoship(repo.dir, ["check", "--against", broken]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /base does not compile/);
    });

    it("the working tree: an untracked file counts, an ignored one does not", async () => {
      const repo = await withIgnoredSecret();
      await repo.write(ORDER, IMPORTING);
      let r = await protoship(repo.dir, ["check", "--format", "json"]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(compileErrorIn(r.stdout, ORDER), r.stdout);
      await repo.write(".gitignore", "");
      r = await protoship(repo.dir, ["check", "--format", "json"]);
      assert.ok(!compileErrorIn(r.stdout, ORDER), r.stdout);
    });
  });
});
