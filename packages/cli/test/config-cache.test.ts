import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import { loadConfig } from "../src/config/load-config.ts";
import { ORDER_BREAKING, shopRepo } from "./fixtures.ts";

const ENTRY = "node_modules/.cache/protoship/config.json";
const WORKSPACE_ENTRY = "node_modules/.cache/protoship/buf-workspace.json";
const GOOD = 'stubs:\n  scope: "@acme"\n';
const BAD = 'stubs:\n  scope: "@acme"\n  colour: blue\n';

describe("protoship.yaml's validated-config cache and buf.yaml's workspace cache", { timeout: 120_000 }, () => {
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

  it("serves buf.yaml's workspace only for the exact bytes at the same path it proved", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(".gitignore", "node_modules/\n");
    await repo.commitAll("ignore node_modules");
    await repo.write("proto/shop/order/v1/order.proto", ORDER_BREAKING);
    const first = await protoship(repo.dir, ["check", "--skip", "format", "--format", "json"]);
    assert.equal(first.code, 1, first.stderr);
    const entry = await readFile(path.join(repo.dir, WORKSPACE_ENTRY), "utf8");
    assert.match(entry, /"modules":\[\{"root":"proto"/, "a good run caches the workspace");
    const again = await protoship(repo.dir, ["check", "--skip", "format", "--format", "json"]);
    assert.equal(again.stdout, first.stdout, "served from the entry: the same findings");

    // A tampered entry (its digest no longer proves it) is a miss: the module root is read from buf.yaml again.
    await writeFile(path.join(repo.dir, WORKSPACE_ENTRY), entry.replace('"root":"proto"', '"root":"elsewhere"'));
    const tampered = await protoship(repo.dir, ["check", "--skip", "format", "--format", "json"]);
    assert.equal(tampered.stdout, first.stdout);
    assert.doesNotMatch(await readFile(path.join(repo.dir, WORKSPACE_ENTRY), "utf8"), /elsewhere/);

    // Other bytes: validated in full, the error is today's, and nothing is cached for them.
    const cached = await readFile(path.join(repo.dir, WORKSPACE_ENTRY), "utf8");
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: [proto]\n");
    const bad = await protoship(repo.dir, ["check"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^protoship: buf\.yaml:3:5: modules\.0\.path: /m);
    assert.equal(await readFile(path.join(repo.dir, WORKSPACE_ENTRY), "utf8"), cached, "a failed validation caches nothing");
  });

  it("is written only where git ignores it", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", GOOD);
    assert.equal((await loadConfig(repo.dir)).stubs.scope, "@acme");
    await assert.rejects(readFile(path.join(repo.dir, ENTRY)), { code: "ENOENT" });
  });
});
