import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs, type GitFixture } from "@protoship/testkit";
import { readFileFacts } from "../src/release/file-facts.ts";
import { loggingBuf } from "./logging-buf.ts";
import { BILLING, BILLING_V1, COMMON, COMMON_V1, ORDER, ORDER_WITH_COMMON, protoRepo, tagRelease, writeProtos } from "./release-helpers.ts";

const CACHE = "node_modules/.cache/protoship/release-facts.json";
const SHIPPING = "shop/shipping/v1/shipping.proto";
const SHIPPING_V1 = `syntax = "proto3";

package shop.shipping.v1;

// A parcel.
message Parcel {
  // The id.
  string id = 1;
}
`;

interface PlanJson {
  packages: { name: string; current: string | null; next: string | null; bump: string; changes: { kind: string; message: string }[] }[];
}

async function planJson(repo: GitFixture, env?: NodeJS.ProcessEnv): Promise<PlanJson> {
  const r = await protoship(repo.dir, ["release", "plan", "--json"], undefined, env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PlanJson;
}

const row = (plan: PlanJson, name: string) => plan.packages.find((p) => p.name === name);

/** Three packages (order imports common), all released at HEAD, node_modules ignored as in any npm project. */
async function releasedRepo(dir: string): Promise<GitFixture> {
  const repo = await protoRepo(dir, { [ORDER]: ORDER_WITH_COMMON, [COMMON]: COMMON_V1, [BILLING]: BILLING_V1 });
  await repo.write(".gitignore", "node_modules/\n");
  await repo.commitAll("ignore node_modules");
  for (const name of ["@shop/order-v1", "@shop/common-v1", "@shop/billing-v1"]) await tagRelease(repo, name, "1.0.0");
  return repo;
}

describe("release plan compiles only what can have changed since the tags", () => {
  const dirs = suiteTempDirs({ before, after });

  it("with no .proto changed and every file seen by an earlier plan, nothing is compiled and nothing released", async () => {
    const repo = await releasedRepo(dirs.fresh());
    const first = await planJson(repo);
    assert.ok(await readFile(path.join(repo.dir, CACHE), "utf8"), "the first plan kept what it learned");
    await repo.write("README.md", "docs only\n");
    await repo.commitAll("docs");
    // No buf at all: a compile would fail the command.
    const plan = await planJson(repo, { PROTOSHIP_BUF: path.join(repo.dir, "no-buf-here") });
    assert.deepEqual(
      plan.packages.map((p) => [p.name, p.current, p.next]),
      [
        ["@shop/billing-v1", "1.0.0", null],
        ["@shop/common-v1", "1.0.0", null],
        ["@shop/order-v1", "1.0.0", null],
      ],
    );
    assert.deepEqual(plan, first);
    assert.equal(await repo.git("status", "--porcelain"), "", "the cache is ignored by git: the tree stays clean");
  });

  it("a change in an imported package still bumps its dependents, compiling only that package and its importers", async () => {
    const repo = await releasedRepo(dirs.fresh());
    await planJson(repo);
    await writeProtos(repo, { [COMMON]: COMMON_V1.replace("int64 cents = 2;", "int32 cents = 2;") }, "cents narrowed");
    const buf = await loggingBuf(repo.dir);
    const plan = await planJson(repo, buf.env);
    assert.equal(row(plan, "@shop/common-v1")?.next, "2.0.0");
    assert.equal(row(plan, "@shop/order-v1")?.next, "1.0.1");
    assert.match(
      row(plan, "@shop/order-v1")!
        .changes.map((c) => c.message)
        .join("\n"),
      /updated dependency `@shop\/common-v1` to 2\.0\.0/,
    );
    assert.equal(row(plan, "@shop/billing-v1")?.next, null);
    const builds = (await buf.calls()).filter((c) => c.startsWith("build "));
    assert.ok(builds.length > 0);
    for (const call of builds) {
      assert.match(call, /--path=/, `every compile is a slice: ${call}`);
      assert.doesNotMatch(call, /invoice\.proto/, `billing cannot have changed: ${call}`);
    }
    // The same plan as with nothing cached (every file compiled).
    await repo.remove(CACHE);
    assert.deepEqual(await planJson(repo), plan);
  });

  it("a new package without tags is listed as a first release, compiling only its file", async () => {
    const repo = await releasedRepo(dirs.fresh());
    await planJson(repo);
    await writeProtos(repo, { [SHIPPING]: SHIPPING_V1 }, "shipping");
    const buf = await loggingBuf(repo.dir);
    const plan = await planJson(repo, buf.env);
    assert.deepEqual(
      plan.packages.map((p) => [p.name, p.next]),
      [
        ["@shop/billing-v1", null],
        ["@shop/common-v1", null],
        ["@shop/order-v1", null],
        ["@shop/shipping-v1", "1.0.0"],
      ],
    );
    const builds = (await buf.calls()).filter((c) => c.startsWith("build "));
    assert.deepEqual(
      builds.map((c) => [...c.matchAll(/--path="([^"]+)"/g)].map((m) => m[1])),
      [[`proto/${SHIPPING}`]],
    );
  });

  it("an unchanged file importing a file deleted since the tags is compiled: HEAD that no longer compiles is said so", async () => {
    const repo = await releasedRepo(dirs.fresh());
    await planJson(repo);
    await writeProtos(repo, { [COMMON]: null }, "common removed, order still imports it");
    const r = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /at HEAD: the schema does not compile: proto\/shop\/order\/v1\/order\.proto:\d+:\d+: imported file does not exist/,
    );
  });

  it("a cache that does not prove its content is not read", async () => {
    const repo = await releasedRepo(dirs.fresh());
    await planJson(repo);
    const file = path.join(repo.dir, CACHE);
    const text = await readFile(file, "utf8");
    assert.ok((await readFileFacts(repo.dir)).size >= 3);
    await writeFile(file, text.replace('"shop.billing.v1"', '"shop.order.v1"'));
    assert.equal((await readFileFacts(repo.dir)).size, 0, "an edited entry fails the digest");
    const plan = await planJson(repo);
    assert.deepEqual(
      plan.packages.map((p) => p.name),
      ["@shop/billing-v1", "@shop/common-v1", "@shop/order-v1"],
    );
  });
});
