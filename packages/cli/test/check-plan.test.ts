import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs } from "@protoship/testkit";
import type { BufWorkspace } from "../src/buf/buf-config.ts";
import { breakingFolder } from "../src/check/plan-comparison.ts";
import { selectLinkFreeTargets, selectTargets } from "../src/check/select-targets.ts";
import type { FileChange } from "../src/git/diff.ts";
import { protoFilesOf, SideTree, type SideEntry } from "../src/snapshot/file-set.ts";
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

describe("check's targets without symlinks: from the changed paths alone", () => {
  const ws = (...roots: string[]): BufWorkspace => ({
    ...workspace(...roots),
    modules: roots.map((root) => ({ root, excludes: root === "" ? ["vendor"] : [`${root}/vendor`], breaking: {}, lint: {} })),
  });
  const side = (...paths: string[]): SideTree => tree(...paths.map((path) => ({ path })));
  const cases: { name: string; ws: BufWorkspace; base: SideTree | undefined; head: SideTree; changes: FileChange[] }[] = [
    {
      name: "a modified, an added and a deleted file, with changes outside any module",
      ws: ws("proto"),
      base: side(ORDER, CUSTOMER, "proto/old.proto", "README.md", "other/x.proto"),
      head: side(ORDER, CUSTOMER, "proto/new.proto", "README.md", "other/x.proto"),
      changes: [
        { status: "M", path: ORDER },
        { status: "A", path: "proto/new.proto" },
        { status: "D", path: "proto/old.proto" },
        { status: "M", path: "README.md" },
        { status: "M", path: "other/x.proto" },
        { status: "M", path: "proto/vendor/v.proto" },
      ],
    },
    {
      name: "a file removed from the index and left untracked (a deletion and an addition of one path), an excluded folder",
      ws: ws(""),
      base: side("a.proto", "b.proto", "vendor/v.proto"),
      head: side("a.proto", "b.proto", "vendor/v.proto"),
      changes: [
        { status: "D", path: "a.proto" },
        { status: "A", path: "a.proto" },
        { status: "M", path: "vendor/v.proto" },
      ],
    },
    {
      name: "two modules, the first repository's first commit (no base)",
      ws: ws("proto", "api"),
      base: undefined,
      head: side(ORDER, "api/a/v1/a.proto"),
      changes: [
        { status: "A", path: ORDER },
        { status: "A", path: "api/a/v1/a.proto" },
      ],
    },
    {
      name: "nothing buf compiles changed",
      ws: ws("proto"),
      base: side(ORDER, "docs/x.md"),
      head: side(ORDER, "docs/x.md"),
      changes: [{ status: "M", path: "docs/x.md" }],
    },
  ];
  for (const c of cases) {
    it(`match the targets chosen from both sides' file sets: ${c.name}`, () => {
      const expected = selectTargets(c.ws, c.changes, c.base ? protoFilesOf(c.base, c.ws) : [], protoFilesOf(c.head, c.ws));
      assert.deepEqual(selectLinkFreeTargets(c.ws, c.changes, c.base, c.head), expected);
    });
  }
});
