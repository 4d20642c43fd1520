import assert from "node:assert/strict";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import { ORDER_ADDITIVE, ORDER_BREAKING, findingsOf, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const CUSTOMER = "proto/shop/order/v1/customer.proto";

/** `protoship check <args> --format json`: its exit code and findings as `file rule`. */
async function check(dir: string, args: readonly string[]): Promise<{ code: number; findings: string[]; output: string }> {
  const r = await protoship(dir, ["check", ...args, "--format", "json"]);
  const output = r.stdout + r.stderr;
  return { code: r.code, findings: r.code === 1 ? findingsOf(r.stdout).map((f) => `${f.file} ${f.rule}`) : [], output };
}

/**
 * The plain check compares the base commit's files with the working tree's (untracked files
 * included, ignored ones never): each side holds exactly its own files, whatever the other holds
 * at the same path.
 */
describe("check: the base holds the base commit's files, the working tree its own", () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  it("a file `git rm --cached` left untracked on the disk is still the base's file: its breaking change is found", async () => {
    const repo = await shopRepo(fresh());
    await repo.git("rm", "-q", "--cached", ORDER);
    await repo.write(ORDER, ORDER_BREAKING);
    // With another file edited (the base's copy was hidden: no finding, exit 0).
    const customer = await repo.read(CUSTOMER);
    await repo.write(CUSTOMER, `${customer}// More.\n`);
    for (const args of [["--against", "HEAD"], []]) {
      const r = await check(repo.dir, args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.output}`);
      assert.deepEqual(r.findings, [`${ORDER} FIELD_SAME_TYPE`], args.join(" "));
    }
    // The changed file alone (buf build of the base found no file to target: exit 2).
    await repo.write(CUSTOMER, customer);
    let r = await check(repo.dir, ["--against", "HEAD"]);
    assert.equal(r.code, 1, r.output);
    assert.deepEqual(r.findings, [`${ORDER} FIELD_SAME_TYPE`]);
    // The index no longer holds it: a deletion.
    r = await check(repo.dir, ["--staged"]);
    assert.equal(r.code, 1, r.output);
    assert.deepEqual(r.findings, [`${ORDER} FILE_NO_DELETE`]);
  });

  it("a tracked file replaced on the disk by a symlink leading outside (not staged) is refused, never read", async () => {
    const repo = await shopRepo(fresh());
    const outside = path.join(root(), `outside-${path.basename(repo.dir)}`);
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, "order.proto"), ORDER_BREAKING);
    // The index holds an additive change; the disk a link to a breaking one outside.
    await repo.write(ORDER, ORDER_ADDITIVE);
    await repo.git("add", ORDER);
    await rm(path.join(repo.dir, ORDER));
    await symlink(path.join(outside, "order.proto"), path.join(repo.dir, ORDER));
    assert.match(await repo.git("status", "--porcelain", "--", ORDER), /^MT /);
    const r = await check(repo.dir, []);
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, new RegExp(`"${ORDER}" is a symlink to .*no file inside the repository`));
    assert.doesNotMatch(r.output, /FIELD_SAME_TYPE/);
    // --staged checks the index's file, not the link on the disk.
    const staged = await check(repo.dir, ["--staged"]);
    assert.equal(staged.code, 0, staged.output);
    assert.equal(await readFile(path.join(outside, "order.proto"), "utf8"), ORDER_BREAKING, "untouched");
  });

  it("an untracked symlink to a folder outside satisfies no import, as with --staged", async () => {
    const repo = await shopRepo(fresh());
    const outside = path.join(root(), `outside-${path.basename(repo.dir)}`);
    await mkdir(path.join(outside, "v9"), { recursive: true });
    await writeFile(path.join(outside, "v9", "o.proto"), 'syntax = "proto3";\npackage ext.v9;\n// O.\nmessage O {}\n');
    await symlink(outside, path.join(repo.dir, "proto", "ext"));
    const importing = ORDER_ADDITIVE.replace("package shop.order.v1;\n", 'package shop.order.v1;\n\nimport "ext/v9/o.proto";\n').replace(
      "string note = 3;",
      "ext.v9.O note = 3;",
    );
    await repo.write(ORDER, importing);
    await repo.git("add", ORDER);
    for (const args of [["--staged"], []]) {
      const r = await check(repo.dir, args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.output}`);
      assert.ok(r.findings.includes(`${ORDER} COMPILE`), `${args.join(" ")}: ${r.output}`);
    }
  });
});
