import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import type { BufWorkspace } from "../src/buf/buf-config.ts";
import { breakingFolder } from "../src/check/plan-comparison.ts";
import { SideTree, type SideEntry } from "../src/snapshot/file-set.ts";
import { findingsOf, ORDER_V1, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const CUSTOMER = "proto/shop/customer/v1/customer.proto";

const workspace = (...roots: string[]): BufWorkspace => ({
  configFile: "buf.yaml",
  dir: "",
  modules: roots.map((root) => ({ root, excludes: [], breaking: {}, lint: {} })),
  configFiles: ["buf.yaml", "buf.lock"],
});
const tree = (...entries: SideEntry[]): SideTree => new SideTree([{ path: "buf.yaml" }, ...entries]);
const targets = (headFiles: string[], baseFiles = headFiles, full = false) => ({ full, headFiles, baseFiles });

describe("check's plan: where buf breaking reads the head", () => {
  it("in the head module's own folder when every target at the base is still a target on the head", () => {
    const head = tree({ path: ORDER }, { path: CUSTOMER });
    assert.equal(breakingFolder(workspace("proto"), targets([ORDER]), head), "proto");
    assert.equal(breakingFolder(workspace("proto"), targets([CUSTOMER, ORDER], [ORDER]), head), "proto");
    assert.equal(breakingFolder(workspace(""), targets(["a.proto"]), tree({ path: "a.proto" })), "");
  });

  it("from two images when a file was deleted, buf's configuration changed, or the targets span modules", () => {
    const head = tree({ path: ORDER }, { path: "other/b.proto" });
    assert.equal(breakingFolder(workspace("proto"), targets([ORDER], [ORDER, CUSTOMER]), head), undefined);
    assert.equal(breakingFolder(workspace("proto"), targets([ORDER], [ORDER], true), head), undefined);
    assert.equal(breakingFolder(workspace("proto", "other"), targets([ORDER, "other/b.proto"]), head), undefined);
    assert.equal(breakingFolder(workspace("proto"), targets([], [ORDER]), head), undefined);
  });

  it("from two images when a symlink or another buf configuration lies on the way to the module folder", () => {
    const linked = tree({ path: "proto", link: "api/proto" }, { path: "api/proto/shop/order/v1/order.proto" });
    assert.equal(breakingFolder(workspace("proto"), targets([ORDER]), linked), undefined);
    const nested = tree({ path: ORDER }, { path: "proto/buf.yaml" });
    assert.equal(breakingFolder(workspace("proto"), targets([ORDER]), nested), undefined);
    const work = tree({ path: "apis/v1/a.proto" }, { path: "apis/buf.work.yaml" });
    assert.equal(breakingFolder(workspace("apis/v1"), targets(["apis/v1/a.proto"]), work), undefined);
  });
});

describe("check: buf breaking in the head module's folder", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("reports a head that does not compile once, as lint's COMPILE finding, with lint skipped too", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_V1.replace("string id = 1;", "string id = 1"));
    for (const skip of ["format", "format,lint"]) {
      const r = await protoship(repo.dir, ["check", "--skip", skip, "--format", "json"]);
      assert.equal(r.code, 1, r.stderr);
      const found = findingsOf(r.stdout).map((f) => [f.step, f.file, f.rule]);
      assert.deepEqual(found, [["lint", ORDER, "COMPILE"]], skip);
    }
  });
});
