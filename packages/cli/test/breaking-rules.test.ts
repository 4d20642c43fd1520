import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { findingsOf } from "./fixtures.ts";
import { BILLING, BILLING_V1, ORDER, ORDER_V1, PROTOSHIP_YAML, tagRelease } from "./release-helpers.ts";

/** Two modules whose breaking rules differ: the first (WIRE) lets a field be renamed, the second (FILE) does not. */
const TWO_RULES = `version: v2
modules:
  - path: wire
    breaking:
      use: [WIRE]
  - path: strict
    breaking:
      use: [FILE]
`;

const WIRE_BILLING = `wire/${BILLING}`;
const STRICT_ORDER = `strict/${ORDER}`;
/** A field renamed: breaking under FILE (FIELD_SAME_NAME), not under WIRE. */
const BILLING_RENAMED = BILLING_V1.replace("string id = 1;", "string code = 1;");
const ORDER_RENAMED = ORDER_V1.replace("int32 quantity = 2;", "int32 count = 2;");

async function twoModuleRepo(dir: string): Promise<GitFixture> {
  const repo = await GitFixture.init(dir);
  await repo.write("buf.yaml", TWO_RULES);
  await repo.write("protoship.yaml", PROTOSHIP_YAML);
  await repo.write(WIRE_BILLING, BILLING_V1);
  await repo.write(STRICT_ORDER, ORDER_V1);
  await repo.commitAll("initial API");
  return repo;
}

describe("breaking rules per module (buf.yaml v2 modules with their own `breaking`)", () => {
  const { fresh } = suiteTempDirs({ before, after });

  for (const configChanged of [false, true]) {
    it(`check applies each module's rules to its files${configChanged ? " (buf.yaml changed: every file checked)" : ""}`, async () => {
      const repo = await twoModuleRepo(fresh());
      await repo.write(WIRE_BILLING, BILLING_RENAMED);
      await repo.write(STRICT_ORDER, ORDER_RENAMED);
      if (configChanged) await repo.write("buf.yaml", `${TWO_RULES}# rules per module\n`);
      const r = await protoship(repo.dir, ["check", "--skip", "lint", "--format", "json"]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const breaking = findingsOf(r.stdout).filter((f) => f.step === "breaking");
      assert.deepEqual(breaking.map((f) => [f.file, f.rule]).sort(), [
        [STRICT_ORDER, "FIELD_SAME_JSON_NAME"],
        [STRICT_ORDER, "FIELD_SAME_NAME"],
      ]);
    });
  }

  it("release plan calls a change breaking by the rules of the module holding it", async () => {
    const repo = await twoModuleRepo(fresh());
    await tagRelease(repo, "@shop/billing-v1", "1.0.0");
    await tagRelease(repo, "@shop/order-v1", "1.0.0");
    await repo.write(WIRE_BILLING, BILLING_RENAMED);
    await repo.write(STRICT_ORDER, ORDER_RENAMED);
    await repo.commitAll("rename a field in each module");
    const r = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { packages: { name: string; bump: string }[] };
    const bumps = Object.fromEntries(plan.packages.map((p) => [p.name, p.bump]));
    assert.equal(bumps["@shop/order-v1"], "major", r.stdout);
    assert.notEqual(bumps["@shop/billing-v1"], "major", r.stdout);
  });
});
