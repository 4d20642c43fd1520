import assert from "node:assert/strict";
import { realpath } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { CUSTOMER_V1, ORDER_BREAKING, ORDER_V1, findingsOf } from "./fixtures.ts";
import { loggingBuf } from "./logging-buf.ts";

const ORDER = "shop/order/v1/order.proto";

/**
 * A module rooted at the repository (buf.yaml `excludes` as given) with node_modules ignored by
 * git and holding a copy of the schema, which buf would reject as duplicate definitions if it read
 * it, and a breaking change in the working tree.
 */
async function rootModuleRepo(dir: string, excludes: string): Promise<GitFixture> {
  const repo = await GitFixture.init(dir);
  await repo.write("buf.yaml", `version: v2\nmodules:\n  - path: .\n${excludes}lint:\n  use: [STANDARD]\nbreaking:\n  use: [FILE]\n`);
  await repo.write(".gitignore", "node_modules/\n");
  await repo.write(ORDER, ORDER_V1);
  await repo.write("shop/order/v1/customer.proto", CUSTOMER_V1);
  await repo.commitAll("initial API");
  await repo.write(`node_modules/dep/${ORDER}`, ORDER_V1);
  await repo.write(ORDER, ORDER_BREAKING);
  return repo;
}

/** Runs `protoship check` with a logging buf; returns the findings and the folder buf lint ran in. */
async function check(repo: GitFixture, tmp: string): Promise<{ findings: string[]; lintFolder: string | undefined }> {
  const buf = await loggingBuf(tmp);
  const r = await protoship(repo.dir, ["check", "--format", "json"], undefined, buf.env);
  assert.equal(r.code, 1, r.stderr);
  const [calls, folders] = await Promise.all([buf.calls(), buf.folders()]);
  return {
    findings: findingsOf(r.stdout).map((f) => `${f.file}:${f.line}:${f.column} ${f.rule}`),
    lintFolder: folders[calls.findIndex((c) => c.startsWith("lint "))],
  };
}

describe("check reads the working tree in place when buf cannot reach what git ignores", () => {
  const { fresh } = suiteTempDirs({ before, after });
  const expected = [`${ORDER}:10:3 FIELD_SAME_TYPE`];

  it("an ignored folder buf.yaml excludes is not hidden: buf lints the repository itself", async () => {
    const repo = await rootModuleRepo(fresh(), "    excludes: [node_modules]\n");
    const { findings, lintFolder } = await check(repo, fresh());
    assert.deepEqual(findings, expected);
    assert.equal(lintFolder, await realpath(repo.dir));
  });

  it("an ignored folder inside the module is still hidden from buf (an overlay), with the same findings", async () => {
    const repo = await rootModuleRepo(fresh(), "");
    const { findings, lintFolder } = await check(repo, fresh());
    assert.deepEqual(findings, expected, "the ignored copy under node_modules is never compiled");
    assert.ok(lintFolder && lintFolder !== (await realpath(repo.dir)), `buf lint ran in ${lintFolder}`);
  });
});
