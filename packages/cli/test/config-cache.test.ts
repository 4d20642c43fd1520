import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import { loadConfig } from "../src/config/load-config.ts";
import { shopRepo } from "./fixtures.ts";

const ENTRY = "node_modules/.cache/protoship/config.json";
const GOOD = 'stubs:\n  scope: "@acme"\n';
const BAD = 'stubs:\n  scope: "@acme"\n  colour: blue\n';

describe("protoship.yaml's validated-config cache", { timeout: 120_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("serves only the exact bytes it proved: other bytes or a tampered entry are validated in full", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(".gitignore", "node_modules/\n");
    await repo.write("protoship.yaml", GOOD);
    await repo.commitAll("config");
    const good = await protoship(repo.dir, ["check"]);
    assert.equal(good.code, 0, good.stderr);
    const entry = await readFile(path.join(repo.dir, ENTRY), "utf8");
    assert.match(entry, /"scope":"@acme"/, "a good run caches the validated configuration");

    // Other bytes: the entry of the good file is not used, the error is today's, exit 2.
    await repo.write("protoship.yaml", BAD);
    const bad = await protoship(repo.dir, ["check"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^protoship: protoship\.yaml:3:3: stubs\.colour: unknown key/m);
    assert.equal(await readFile(path.join(repo.dir, ENTRY), "utf8"), entry, "a failed validation caches nothing");

    // A tampered entry for the good bytes (its digest no longer proves it) is a miss, and is rewritten.
    await repo.write("protoship.yaml", GOOD);
    await writeFile(path.join(repo.dir, ENTRY), entry.replace('"@acme"', '"@evil"'));
    assert.equal((await loadConfig(repo.dir)).stubs.scope, "@acme");
    const rewritten = await readFile(path.join(repo.dir, ENTRY), "utf8");
    assert.match(rewritten, /"scope":"@acme"/);
    assert.doesNotMatch(rewritten, /@evil/);
  });

  it("is written only where git ignores it", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", GOOD);
    assert.equal((await loadConfig(repo.dir)).stubs.scope, "@acme");
    await assert.rejects(readFile(path.join(repo.dir, ENTRY)), { code: "ENOENT" });
  });
});
