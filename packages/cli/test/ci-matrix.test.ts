import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";

/**
 * `protoship ci matrix`: the workflows' shard matrix, from the stub packages committed at HEAD
 * (the bundled protos: 5 packages) and the ci keys of protoship.yaml.
 */
describe("protoship ci matrix", { timeout: 240_000 }, () => {
  const temps = suiteTempDirs({ before, after });
  let repo: GitFixture;

  before(async () => {
    repo = await GitFixture.init(temps.fresh());
    await repo.addBundledProtos();
    await repo.write(".gitignore", "node_modules/\ndist/\n.protoship-stamp.json\n");
    const gen = await protoship(repo.dir, ["generate"]);
    assert.equal(gen.code, 0, gen.stderr);
    await repo.commitAll("protos and their stubs");
  });

  const matrix = async (yaml: string | undefined) => {
    if (yaml === undefined) await repo.remove("protoship.yaml");
    else await repo.write("protoship.yaml", yaml);
    const r = await protoship(repo.dir, ["ci", "matrix"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { shard: string[] };
  };

  test("no protoship.yaml (threshold 200): one job, the whole repository", async () => {
    assert.deepEqual(await matrix(undefined), { shard: ["1/1"] });
  });

  test("at the threshold: one job", async () => {
    assert.deepEqual(await matrix("ci:\n  shardAbove: 5\n  shards: 3\n"), { shard: ["1/1"] });
  });

  test("above the threshold: ci.shards jobs", async () => {
    assert.deepEqual(await matrix("ci:\n  shardAbove: 4\n  shards: 3\n"), { shard: ["1/3", "2/3", "3/3"] });
  });

  test("never more jobs than packages", async () => {
    assert.deepEqual(await matrix("ci:\n  shardAbove: 1\n  shards: 8\n"), { shard: ["1/5", "2/5", "3/5", "4/5", "5/5"] });
  });

  test("only committed stub packages count (git objects, not the working tree)", async () => {
    await repo.write("packages/stubs/extra-v1/.protoship-generated", "protoship generate\n");
    try {
      assert.deepEqual(await matrix("ci:\n  shardAbove: 5\n  shards: 3\n"), { shard: ["1/1"] });
    } finally {
      await repo.remove("packages/stubs/extra-v1/.protoship-generated");
    }
  });

  test("a bad ci key is a configuration error with file:line:col, exit 2", async () => {
    await repo.write("protoship.yaml", "ci:\n  shardAbove: 10\n  shards: 1\n");
    const r = await protoship(repo.dir, ["ci", "matrix"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /protoship\.yaml:3:\d+: ci\.shards/);
    assert.equal(r.stdout, "");
  });
});
