import assert from "node:assert/strict";
import { copyFile, cp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT, protoship, readTree, run, suiteTempDirs } from "@protoship/testkit";
import { ORDER_ADDITIVE, shopRepo } from "./fixtures.ts";

const CACHE = "node_modules/.cache/protoship";
const ORDER = "proto/shop/order/v1/order.proto";

/** The one image cache entry of a repository (after a --list-shards run). */
async function cacheEntry(dir: string): Promise<string> {
  const entries = (await readdir(path.join(dir, CACHE))).filter((f) => f.startsWith("image-"));
  assert.equal(entries.length, 1, entries.join(", "));
  return path.join(dir, CACHE, entries[0]!);
}

/** Issue 19 §5: a cache entry proves its content; one that does not is a miss, compiled and rewritten. */
describe("caches are checked, not trusted", { timeout: 240_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("another schema's image copied over the cache entry is not used: generate --force writes what the protos say", async () => {
    const repo = await shopRepo(fresh());
    const other = await shopRepo(fresh());
    await other.write(ORDER, ORDER_ADDITIVE); // a field `note` the first repository has in no .proto
    for (const r of [repo, other]) assert.equal((await protoship(r.dir, ["generate", "--list-shards", "1"])).code, 0);
    const entry = await cacheEntry(repo.dir);
    await copyFile(await cacheEntry(other.dir), entry);

    const forced = await protoship(repo.dir, ["generate", "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    const stubs = [...(await readTree(path.join(repo.dir, "packages/stubs"))).entries()];
    assert.ok(stubs.length > 0);
    const leaked = stubs.filter(([, text]) => /\bnote\b/.test(text)).map(([file]) => file);
    assert.deepEqual(leaked, [], "a field from the other schema's image");
    assert.notDeepEqual(await readFile(entry), await readFile(await cacheEntry(other.dir)), "the entry was rebuilt");

    // The rebuilt entry is used again, and what it gives is what the protos give.
    await repo.commitAll("stubs");
    const check = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  it("a truncated or altered entry is a miss too: the run compiles and succeeds", async () => {
    const repo = await shopRepo(fresh());
    assert.equal((await protoship(repo.dir, ["generate", "--list-shards", "1"])).code, 0);
    const entry = await cacheEntry(repo.dir);
    const bytes = await readFile(entry);
    // Flip one byte of the image (past the header): still a decodable descriptor set, or not.
    const altered = Buffer.from(bytes);
    altered[altered.length - 3] = altered[altered.length - 3]! ^ 0x01;
    await writeFile(entry, altered);
    const listed = await protoship(repo.dir, ["generate", "--list-shards", "1"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(await readFile(entry), bytes, "rebuilt to the same entry");
  });
});

describe("the generate stamp covers protoship itself", { timeout: 240_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  /** A copy of the built protoship (its dependencies linked), for another version or code. */
  async function protoshipCopy(dir: string, change: (cli: string) => Promise<void>): Promise<string> {
    const cli = path.join(REPO_ROOT, "packages/cli");
    for (const part of ["bin", "dist", "package.json"]) await cp(path.join(cli, part), path.join(dir, part), { recursive: true });
    await symlink(path.join(cli, "node_modules"), path.join(dir, "node_modules"));
    await change(dir);
    return path.join(dir, "bin/protoship.js");
  }
  const generate = (bin: string, cwd: string, env?: NodeJS.ProcessEnv) =>
    run(process.execPath, [bin, "generate"], { cwd, ...(env ? { env } : {}) });

  it("another protoship version, or other code outside generate/ (npm names), is another stamp: not a no-op", async () => {
    const repo = await shopRepo(fresh());
    const stamp = async (): Promise<string> =>
      (JSON.parse(await readFile(path.join(repo.dir, "packages/stubs/.protoship-stamp.json"), "utf8")) as { source: string }).source;
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    const first = await stamp();
    // The same protoship with nothing changed: the stamp holds, so no buf is needed at all.
    const noBuf = { PROTOSHIP_BUF: "/nonexistent/buf" };
    const again = await protoship(repo.dir, ["generate"], undefined, noBuf);
    assert.equal(again.code, 0, again.stderr);

    const bumped = await protoshipCopy(fresh(), async (dir) => {
      const file = path.join(dir, "package.json");
      const pkg = JSON.parse(await readFile(file, "utf8")) as { version: string };
      await writeFile(file, JSON.stringify({ ...pkg, version: `${pkg.version}-next.1` }));
    });
    assert.equal((await generate(bumped, repo.dir, noBuf)).code, 2, "a new version does not trust the stamp: it compiles (no buf here)");
    assert.equal((await generate(bumped, repo.dir)).code, 0);
    const second = await stamp();
    assert.notEqual(second, first);

    const patched = await protoshipCopy(fresh(), async (dir) => {
      const file = path.join(dir, "dist/config/npm-name.js");
      await writeFile(file, `${await readFile(file, "utf8")}\n// a change outside generate/\n`);
    });
    assert.equal((await generate(patched, repo.dir, noBuf)).code, 2, "other code does not trust the stamp either");
    assert.equal((await generate(patched, repo.dir)).code, 0);
    assert.notEqual(await stamp(), second);
  });
});
