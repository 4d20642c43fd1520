import assert from "node:assert/strict";
import { mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import { shopRepo } from "./fixtures.ts";

const CUSTOMER = "proto/shop/order/v1/customer.proto";

/**
 * A tracked .proto replaced on the disk by a symlink and not staged: git's listing still says
 * "regular file", so reading it would follow a link git does not know of, wherever it leads.
 * generate (which reads every file of the module for its keys before buf runs) refuses it.
 */
describe("a symlink that replaced a tracked .proto, not staged", () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  it("generate refuses it (exit 2, the file named) instead of generating stubs from what it points to", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@acme"\n');
    await repo.commitAll("stubs");
    const outside = path.join(root(), "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(
      path.join(outside, "customer.proto"),
      'syntax = "proto3";\n\npackage shop.order.v1;\n\n// Not the repository\'s.\nmessage OutsideSecret {\n  string value = 1;\n}\n',
    );
    await rm(path.join(repo.dir, CUSTOMER));
    await symlink(path.join(outside, "customer.proto"), path.join(repo.dir, CUSTOMER));
    assert.equal((await repo.git("status", "--short")).trim(), `T ${CUSTOMER}`);

    const r = await protoship(repo.dir, ["generate"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`protoship: "${CUSTOMER}" is a symlink on the disk where git has a regular file`));
    assert.deepEqual(await readdir(repo.dir).then((names) => names.filter((n) => n === "packages")), [], "no stub package was written");
  });
});
