import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, suiteTempDirs, type RunResult } from "@protoship/testkit";
import { BUF_YAML, CUSTOMER_V1, ORDER_ADDITIVE, ORDER_V1, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const NOT_SET = "protoship: stubs.scope is not set: add it to protoship.yaml (or run protoship init)";

/** Exit 2 with exactly the one-line cause and its hint. */
function assertScopeNotSet(r: RunResult, what: string): void {
  assert.equal(r.code, 2, `${what}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines[0], NOT_SET, what);
  assert.equal(lines.length, 2, `${what}: one line and a hint:\n${r.stderr}`);
  assert.match(lines[1]!, /^\s*hint: .*protoship\.yaml.*package\.json/, what);
}

/** The small module with no protoship.yaml; `packageJson` is the root package.json, if any. */
async function unscopedRepo(dir: string, packageJson?: object): Promise<GitFixture> {
  const repo = await GitFixture.init(dir);
  if (packageJson) await repo.write("package.json", `${JSON.stringify(packageJson)}\n`);
  await repo.write("buf.yaml", BUF_YAML);
  await repo.write(ORDER, ORDER_V1);
  await repo.write("proto/shop/order/v1/customer.proto", CUSTOMER_V1);
  await repo.commitAll("initial API");
  return repo;
}

describe("the stub scope: protoship.yaml, else the root package.json, never a built-in one", { timeout: 240_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("without stubs.scope, the package.json name's scope names the packages; stubs.scope wins over it", async () => {
    const repo = await shopRepo(fresh()); // package.json: @acme/shop-apis, no protoship.yaml
    const gen = await protoship(repo.dir, ["generate"]);
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stdout, /^generated @acme\/shop-order-v1@0\.0\.0 \(shop\.order\.v1\) in packages\/stubs\/shop-order-v1$/m);
    const pkg = JSON.parse(await repo.read("packages/stubs/shop-order-v1/package.json")) as { name: string };
    assert.equal(pkg.name, "@acme/shop-order-v1");
    const shards = await protoship(repo.dir, ["generate", "--list-shards", "1"]);
    assert.equal(shards.code, 0, shards.stderr);
    assert.deepEqual((JSON.parse(shards.stdout) as { shards: { packages: string[] }[] }).shards[0]!.packages, ["@acme/shop-order-v1"]);

    await repo.write("protoship.yaml", 'stubs:\n  scope: "@shop"\n');
    const configured = await protoship(repo.dir, ["generate", "--out-dir", "out"]);
    assert.equal(configured.code, 0, configured.stderr);
    assert.match(configured.stdout, /^generated @shop\/order-v1@0\.0\.0 \(shop\.order\.v1\) in out\/order-v1$/m);
  });

  it("release plan and tag take the scope from package.json as committed at HEAD, not the working tree's", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("package.json", `${JSON.stringify({ name: "@evil/shop-apis" })}\n`); // not committed
    const plan = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual(
      (JSON.parse(plan.stdout) as { packages: { name: string }[] }).packages.map((p) => p.name),
      ["@acme/shop-order-v1"],
    );
    await repo.git("checkout", "--", "package.json");
    const tag = await protoship(repo.dir, ["release", "tag", "--no-push"]);
    assert.equal(tag.code, 0, tag.stderr);
    assert.equal(await repo.git("tag", "--list"), "@acme/shop-order-v1@1.0.0");
  });

  it("with neither, commands that name npm packages exit 2 with one line and write nothing", async () => {
    // An unscoped package.json name gives no scope either.
    const repo = await unscopedRepo(fresh(), { name: "shop-apis", private: true });
    for (const args of [["generate"], ["generate", "--check"], ["generate", "--list-shards", "2"], ["release", "plan"]]) {
      assertScopeNotSet(await protoship(repo.dir, args), args.join(" "));
    }
    assert.equal(existsSync(path.join(repo.dir, "packages/stubs")), false, "generate wrote nothing");
    assertScopeNotSet(await protoship(repo.dir, ["release", "tag", "--no-push"]), "release tag");
    assert.equal(await repo.git("tag", "--list"), "", "no tag was made");
  });

  it("with neither, check, ci matrix and docs (no release tags) keep working; docs needs the scope only for release tags", async () => {
    const repo = await unscopedRepo(fresh());
    await repo.write(ORDER, ORDER_ADDITIVE);
    const check = await protoship(repo.dir, ["check"]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /✔ 1 \.proto file checked, no findings/);
    const matrix = await protoship(repo.dir, ["ci", "matrix"]);
    assert.equal(matrix.code, 0, matrix.stderr);
    assert.equal(matrix.stdout, '{"shard":["1/1"]}\n');
    const docs = await protoship(repo.dir, ["docs"]);
    assert.equal(docs.code, 0, docs.stderr);
    assert.match(docs.stdout, /^✔ docs site: /);

    await repo.commitAll("additive");
    await repo.git("tag", "-a", "@acme/shop-order-v1@1.0.0", "-m", "release");
    assertScopeNotSet(await protoship(repo.dir, ["docs", "-o", "site2"]), "docs with a release tag");
    assert.equal(existsSync(path.join(repo.dir, "site2")), false, "docs wrote nothing");
    const noVersions = await protoship(repo.dir, ["docs", "-o", "site2", "--no-versions"]);
    assert.equal(noVersions.code, 0, noVersions.stderr);
  });

  it("a package.json that is not JSON is a configuration error for generate only when protoship.yaml sets no scope", async () => {
    const repo = await unscopedRepo(fresh());
    await repo.write("package.json", "{ not json\n");
    const gen = await protoship(repo.dir, ["generate"]);
    assert.equal(gen.code, 2, gen.stderr);
    assert.match(gen.stderr, /^protoship: .*package\.json: not valid JSON/);
    await repo.write(ORDER, ORDER_ADDITIVE);
    assert.equal((await protoship(repo.dir, ["check"])).code, 0, "check never reads package.json");
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@acme"\n');
    const scoped = await protoship(repo.dir, ["generate"]);
    assert.equal(scoped.code, 0, scoped.stderr);
    assert.match(scoped.stdout, /generated @acme\/shop-order-v1@/);
  });
});
