import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import { findingsOf, shopRepo } from "./fixtures.ts";

const DIR = "proto/shop/order/v1";

/**
 * Every legal file name must reach buf intact: buf splits `--path` values on commas and parses
 * them as CSV, so a name with `,` `"` or a newline once made the gate check nothing at all.
 */
const SPECIAL = [",", '"', "'", "\n", "\r", "-", " ", "ü", "#", "\t", 'é,"\n'];
const NAMES = [...SPECIAL.map((c) => `${c}n${c}x${c}.proto`), "z,acme.proto", 'a","b.proto', "-.proto"];

/** The breaking findings (a name like these also gets buf's FILE_LOWER_SNAKE_CASE lint finding). */
const breaking = (stdout: string): ReturnType<typeof findingsOf> => findingsOf(stdout).filter((f) => f.step === "breaking");
const message = (i: number, type: string): string =>
  `syntax = "proto3";\npackage shop.order.v1;\n// M.\nmessage Odd${i} {\n  // F.\n  ${type} f = 1;\n}\n`;

describe("protoship check: every legal file name is checked", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("reports a breaking change in every file whatever its name (working tree, index and pushed commit)", async () => {
    const repo = await shopRepo(fresh());
    const files = NAMES.map((name) => `${DIR}/${name}`);
    for (const [i, file] of files.entries()) await repo.write(file, message(i, "int32"));
    const base = await repo.commitAll("odd names");
    for (const [i, file] of files.entries()) await repo.write(file, message(i, "string"));
    // Every file changes at once; each must get its own finding, so one name cannot hide another.
    const expected = files.map((f) => [f, "FIELD_SAME_TYPE"]).sort();
    const worktree = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(worktree.code, 1, worktree.stdout + worktree.stderr);
    assert.deepEqual(
      breaking(worktree.stdout)
        .map((f) => [f.file, f.rule])
        .sort(),
      expected,
    );

    await repo.git("add", "-A");
    const staged = await protoship(repo.dir, ["check", "--staged", "--format", "json"]);
    assert.equal(staged.code, 1, staged.stdout + staged.stderr);
    assert.deepEqual(
      breaking(staged.stdout)
        .map((f) => [f.file, f.rule])
        .sort(),
      expected,
    );

    const sha = await repo.commitAll("break them all");
    const push = await protoship(repo.dir, ["check", "--pre-push", "--format", "json"], `refs/heads/main ${sha} refs/heads/main ${base}\n`);
    assert.equal(push.code, 1, push.stdout + push.stderr);
    assert.deepEqual(
      breaking(push.stdout)
        .map((f) => [f.file, f.rule])
        .sort(),
      expected,
    );
  });

  it("refuses, never passes, a name buf itself cannot read (a backslash)", async () => {
    const repo = await shopRepo(fresh());
    const file = `${DIR}/back\\slash.proto`;
    await repo.write(file, message(0, "int32"));
    await repo.commitAll("backslash");
    await repo.write(file, message(0, "string"));
    const r = await protoship(repo.dir, ["check"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^protoship: .*back\\\\slash\.proto.*backslash/m);
  });

  it("refuses, never passes, a name buf's CSV reading would change (\\r\\n becomes \\n), beside a passing change", async () => {
    const repo = await shopRepo(fresh());
    const crlf = `${DIR}/cr\r\nlf.proto`;
    const plain = `${DIR}/plain.proto`;
    await repo.write(crlf, message(0, "int32"));
    await repo.write(plain, message(1, "int32"));
    const base = await repo.commitAll("a CR LF name");
    await repo.write(crlf, message(0, "string"));
    // An additive change elsewhere: alone it passes, so a silently unchecked name would pass too.
    await repo.write(plain, message(1, "int32").replace("int32 f = 1;", "int32 f = 1;\n  // G.\n  int32 g = 2;"));
    const worktree = await protoship(repo.dir, ["check"]);
    assert.equal(worktree.code, 2, worktree.stdout + worktree.stderr);
    assert.match(worktree.stderr, /^protoship: "proto\/shop\/order\/v1\/cr\\r\\nlf\.proto": .*\\r\\n/m);
    assert.match(worktree.stderr, /hint: rename the file/);
    const sha = await repo.commitAll("break it");
    const push = await protoship(repo.dir, ["check", "--pre-push"], `refs/heads/main ${sha} refs/heads/main ${base}\n`);
    assert.equal(push.code, 2, push.stdout + push.stderr);
    assert.match(push.stderr, /cr\\r\\nlf\.proto/);
  });

  it("refuses, never passes, a new file whose name is not valid UTF-8, beside a passing change", async () => {
    const repo = await shopRepo(fresh());
    const plain = `${DIR}/plain.proto`;
    await repo.write(plain, message(1, "int32"));
    const base = await repo.commitAll("plain");
    // Lint and format findings in a file named with a byte that is not UTF-8 (legal for git and Linux).
    const bad = Buffer.concat([Buffer.from(path.join(repo.dir, DIR, "new")), Buffer.from([0xfe]), Buffer.from("one.proto")]);
    await writeFile(bad, 'syntax = "proto3";\npackage shop.order.v1;\nmessage   lower_case {\n  int32 f = 1;\n}\n');
    await repo.write(plain, message(1, "int32").replace("int32 f = 1;", "int32 f = 1;\n  // G.\n  int32 g = 2;"));
    const worktree = await protoship(repo.dir, ["check"]);
    assert.equal(worktree.code, 2, worktree.stdout + worktree.stderr);
    assert.match(worktree.stderr, /^protoship: "proto\/shop\/order\/v1\/new\ufffdone\.proto": .*not valid UTF-8/m);
    assert.match(worktree.stderr, /hint: rename the file/);
    const sha = await repo.commitAll("a file with a non-UTF-8 name");
    const push = await protoship(repo.dir, ["check", "--pre-push"], `refs/heads/main ${sha} refs/heads/main ${base}\n`);
    assert.equal(push.code, 2, push.stdout + push.stderr);
    assert.match(push.stderr, /not valid UTF-8/);
  });

  it("reports the deletion of an oddly named file, with its name", async () => {
    const repo = await shopRepo(fresh());
    const names = ["z,acme.proto", 'q"uote.proto', "new\nline.proto", "-dash.proto"];
    for (const [i, name] of names.entries()) await repo.write(`${DIR}/${name}`, message(i, "int32"));
    await repo.commitAll("odd names");
    for (const name of names) await repo.remove(`${DIR}/${name}`);
    const r = await protoship(repo.dir, ["check", "--format", "json"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout)
        .map((f) => [f.file, f.rule])
        .sort(),
      names.map((n) => [`${DIR}/${n}`, "FILE_NO_DELETE"]).sort(),
    );
    // In text, a name with a newline is quoted: it cannot forge a line of the report.
    const text = await protoship(repo.dir, ["check"], undefined, { NO_COLOR: "1" });
    assert.match(text.stdout, /^"proto\/shop\/order\/v1\/new\\nline\.proto":1:1: /m);
    assert.doesNotMatch(text.stdout, /^line\.proto/m);
  });

  it("lints, format-checks and breaking-checks a comma file like any other (the reproduced bypass)", async () => {
    const repo = await shopRepo(fresh());
    const comma = `${DIR}/z,acme.proto`;
    const plain = `${DIR}/zacme.proto`;
    const v1 = 'syntax = "proto3";\npackage shop.order.v1;\n// Z.\nmessage Z {\n  // A.\n  int32 a = 1;\n  // B.\n  int32 b = 2;\n}\n';
    const v2 = 'syntax = "proto3";\npackage shop.order.v1;\n// Z.\nmessage Z {\n  // A.\n  string a = 1;\n}\nmessage   lower {}\n';
    await repo.write(comma, v1);
    const base = await repo.commitAll("comma");
    await repo.write(comma, v2);
    const sha = await repo.commitAll("break comma");
    const r = await protoship(repo.dir, ["check", "--pre-push", "--format", "json"], `refs/heads/main ${sha} refs/heads/main ${base}\n`);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const commaRules = findingsOf(r.stdout)
      .map((f) => f.rule)
      .sort();

    const other = await shopRepo(fresh());
    await other.write(plain, v1);
    const otherBase = await other.commitAll("plain");
    await other.write(plain, v2);
    const otherSha = await other.commitAll("break plain");
    const p = await protoship(
      other.dir,
      ["check", "--pre-push", "--format", "json"],
      `refs/heads/main ${otherSha} refs/heads/main ${otherBase}\n`,
    );
    assert.equal(p.code, 1);
    const plainRules = findingsOf(p.stdout)
      .map((f) => f.rule)
      .sort();
    assert.equal(plainRules.length, 4, p.stdout);
    assert.deepEqual(commaRules, plainRules);
    assert.ok(findingsOf(r.stdout).every((f) => f.file === comma));
  });
});
