import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
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

  test("--github-output appends the matrix and its size to $GITHUB_OUTPUT; without the variable, exit 2", async () => {
    await repo.write("protoship.yaml", "ci:\n  shardAbove: 4\n  shards: 2\n");
    const out = path.join(temps.root(), "github-output");
    await writeFile(out, "earlier=1\n");
    const r = await protoship(repo.dir, ["ci", "matrix", "--github-output"], undefined, { GITHUB_OUTPUT: out });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(out, "utf8"), 'earlier=1\nmatrix={"shard":["1/2","2/2"]}\nshards=2\n');
    const missing = await protoship(repo.dir, ["ci", "matrix", "--github-output"], undefined, { GITHUB_OUTPUT: "" });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /GITHUB_OUTPUT is not set/);
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
