import assert from "node:assert/strict";
import { lstat, mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathExists, protoship, readTree, suiteTempDirs } from "@protoship/testkit";
import { ORDER_ADDITIVE, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const PACKAGE = "packages/stubs/shop-order-v1";

/** Issue 19 §8: stub package folders that are links, or that hold committed build output. */
describe("stub package folders: no link followed out, no build output committed", { timeout: 240_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("a stub folder symlinked outside the repository (its target has the marker) is refused: exit 2, nothing moved", async () => {
    const repo = await shopRepo(fresh());
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    // The package folder now lives outside, with a node_modules of its own, and a link takes its place.
    const outside = path.join(fresh(), "elsewhere");
    await mkdir(path.dirname(outside), { recursive: true });
    await rename(path.join(repo.dir, PACKAGE), outside);
    await mkdir(path.join(outside, "node_modules/dep"), { recursive: true });
    await writeFile(path.join(outside, "node_modules/dep/index.js"), "module.exports = 1;\n");
    await symlink(outside, path.join(repo.dir, PACKAGE));
    await repo.write(ORDER, ORDER_ADDITIVE);
    const outsideBefore = await readTree(outside);
    const insideBefore = await readTree(path.join(repo.dir, "packages/stubs"));

    for (const args of [["generate"], ["generate", "--force"]]) {
      const r = await protoship(repo.dir, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^protoship: packages\/stubs\/shop-order-v1 is a symbolic link; refusing to replace or delete it/m);
    }
    assert.deepEqual(await readTree(outside), outsideBefore, "the outside folder keeps everything, node_modules included");
    assert.ok(await pathExists(path.join(outside, "node_modules/dep/index.js")));
    assert.deepEqual(await readTree(path.join(repo.dir, "packages/stubs")), insideBefore);
  });

  it("the stamp's temporary file planted as a link to a file outside: generate replaces the link, never writes through it", async () => {
    const repo = await shopRepo(fresh());
    const outsideDir = fresh();
    await mkdir(outsideDir, { recursive: true });
    const outside = path.join(outsideDir, "victim.txt");
    await writeFile(outside, "someone else's file\n");
    await mkdir(path.join(repo.dir, "packages/stubs"), { recursive: true });
    await symlink(outside, path.join(repo.dir, "packages/stubs/.protoship-stamp.json.tmp"));
    const r = await protoship(repo.dir, ["generate"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(outside, "utf8"), "someone else's file\n");
    const stamp = await lstat(path.join(repo.dir, "packages/stubs/.protoship-stamp.json"));
    assert.ok(stamp.isFile(), "the stamp is a file of its own, not the link");
  });

  it("generate --check says that build output is committed inside a stub package (exit 1), for dist/ and node_modules/", async () => {
    const repo = await shopRepo(fresh());
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    await repo.commitAll("stubs");
    assert.equal((await protoship(repo.dir, ["generate", "--check"])).code, 0);

    await repo.write(`${PACKAGE}/dist/esm/index.js`, "export {};\n");
    await repo.write(`${PACKAGE}/node_modules/dep/index.js`, "module.exports = 1;\n");
    // Untracked build output is the machine's: still up to date.
    assert.equal((await protoship(repo.dir, ["generate", "--check"])).code, 0);
    await repo.git("add", "-f", `${PACKAGE}/dist`, `${PACKAGE}/node_modules`);
    await repo.git("commit", "-q", "-m", "build output, by mistake");
    const r = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stale @acme\/shop-order-v1 .*: build output committed dist\/esm\/index\.js, node_modules\/dep\/index\.js/);
    assert.match(r.stderr, /hint: remove the committed build output from git/);
  });
});
