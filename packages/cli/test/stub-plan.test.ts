import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { ConfigError, ExitCode, ProtoshipError } from "../src/errors.ts";
import type { ProtoPackageUnit } from "../src/schema/proto-packages.ts";
import { stampUpToDate, type Stamp } from "../src/generate/stamp.ts";
import { planStubs, type FolderState, type StubPlan, type StubPlanInput } from "../src/generate/stub-plan.ts";

/** Plain-data tests of generate's plan: no git, no buf, no file system. */

function file(protoPackage: string, deps: string[] = [], fields = 1): FileDescriptorProto {
  const name = `${protoPackage.replaceAll(".", "/")}/api.proto`;
  const field = Array.from({ length: fields }, (_, i) => ({ name: `f${i}`, number: i + 1 }));
  return create(FileDescriptorProtoSchema, { name, package: protoPackage, dependency: deps, messageType: [{ name: "M", field }] });
}

function unit(f: FileDescriptorProto, dependsOn: string[] = []): ProtoPackageUnit {
  return { protoPackage: f.package, npmName: `@shop/${f.package.split(".").slice(1).join("-")}`, files: [f], dependsOn };
}

const COMMON_FILE = file("shop.common.v1");
const ORDER_FILE = file("shop.order.v1", [COMMON_FILE.name], 40);
const PAY_FILE = file("shop.pay.v1", [COMMON_FILE.name], 3);
const COMMON = unit(COMMON_FILE);
const ORDER = unit(ORDER_FILE, ["shop.common.v1"]);
const PAY = unit(PAY_FILE, ["shop.common.v1"]);
const FILES = [COMMON_FILE, ORDER_FILE, PAY_FILE];

function plan(over: Partial<StubPlanInput> = {}): StubPlan {
  return planStubs({ units: [COMMON, ORDER, PAY], files: FILES, selection: {}, folders: new Map(), salt: "s", ...over });
}

const summary = (p: StubPlan) => p.packages.map((x) => [x.unit.npmName, x.dir, x.version, x.generate]);

/** The stamp a run of `p` writes, with each package's folder digest `digest-<dir>`. */
function stampOf(p: StubPlan): Stamp {
  const packages = p.packages.map((x) => ({
    npmName: x.unit.npmName,
    protoPackage: x.unit.protoPackage,
    dir: x.dir,
    version: x.version,
    dependencies: [],
  }));
  return {
    source: "key",
    units: Object.fromEntries(p.packages.map((x) => [x.unit.npmName, x.hash])),
    packages,
    digests: Object.fromEntries(p.packages.map((x) => [x.unit.npmName, `digest-${x.dir}`])),
  };
}

const intactFolders = (p: StubPlan): Map<string, FolderState> =>
  new Map(p.packages.map((x) => [x.unit.npmName, { digest: `digest-${x.dir}` }]));

describe("planStubs", () => {
  it("refuses a .proto name generated code cannot import (line break, quote, backslash), in a selected package or a file it imports; an unselected one is no concern", () => {
    for (const bad of [
      "shop/common/v1/a\nexport const x = 1;\n.proto",
      'shop/common/v1/a".proto',
      "shop/common/v1/a\\b.proto",
      "shop/common/v1/a\u2028.proto",
    ]) {
      const common = { ...COMMON_FILE, name: bad } as FileDescriptorProto;
      const order = { ...ORDER_FILE, dependency: [bad] } as FileDescriptorProto;
      const units = [unit(common), unit(order, ["shop.common.v1"]), PAY];
      const files = [common, order, PAY_FILE];
      assert.throws(
        () => planStubs({ units, files, selection: { only: ["@shop/order-v1"] }, folders: new Map(), salt: "s" }),
        (e: unknown) => e instanceof ProtoshipError && e.exitCode === ExitCode.Usage && e.message.startsWith(`${JSON.stringify(bad)}: `),
        JSON.stringify(bad),
      );
      assert.deepEqual(
        planStubs({ units, files, selection: { only: ["@shop/pay-v1"] }, folders: new Map(), salt: "s" }).packages.map(
          (p) => p.unit.npmName,
        ),
        ["@shop/pay-v1"],
      );
    }
  });

  it("without a stamp, every package is generated into its folder (the npm name without scope), at 0.0.0; a full run stamps and prunes", () => {
    const p = plan();
    assert.deepEqual(summary(p), [
      ["@shop/common-v1", "common-v1", "0.0.0", true],
      ["@shop/order-v1", "order-v1", "0.0.0", true],
      ["@shop/pay-v1", "pay-v1", "0.0.0", true],
    ]);
    assert.equal(p.stamped, true);
    assert.equal(p.prune, true);
  });

  it("versions: given for all or by name, else the package.json of the package's own folder, else 0.0.0", () => {
    const folders = new Map<string, FolderState>([
      ["@shop/order-v1", { packageJson: { file: "stubs/order-v1/package.json", name: "@shop/order-v1", version: "1.4.0" } }],
      // Another package's package.json in the folder: its version is not this one's.
      ["@shop/pay-v1", { packageJson: { file: "stubs/pay-v1/package.json", name: "@other/pay", version: "9.0.0" } }],
    ]);
    assert.deepEqual(
      plan({ folders }).packages.map((x) => x.version),
      ["0.0.0", "1.4.0", "0.0.0"],
    );
    assert.deepEqual(
      plan({ folders, version: { "@shop/common-v1": "2.0.0" } }).packages.map((x) => x.version),
      ["2.0.0", "1.4.0", "0.0.0"],
    );
    assert.deepEqual([...plan({ folders, version: "3.0.0-rc.1" }).versions.values()], ["3.0.0-rc.1", "3.0.0-rc.1", "3.0.0-rc.1"]);
  });

  it("a package.json version that is not semver is the user's mistake, named with its file (exit 2)", () => {
    const folders = new Map<string, FolderState>([
      ["@shop/pay-v1", { packageJson: { file: "stubs/pay-v1/package.json", name: "@shop/pay-v1", version: 'x"; rm -rf /' } }],
    ]);
    assert.throws(
      () => plan({ folders }),
      (e: unknown) =>
        e instanceof ConfigError && e.exitCode === ExitCode.Usage && /^stubs\/pay-v1\/package\.json: version "x\\"; rm/.test(e.message),
    );
  });

  it("with the stamp of the same inputs and intact folders, nothing is generated; an edited folder or a changed import is", () => {
    const first = plan();
    const previous = stampOf(first);
    assert.deepEqual(
      plan({ previous, folders: intactFolders(first) }).packages.map((x) => x.generate),
      [false, false, false],
    );
    const edited = intactFolders(first);
    edited.set("@shop/pay-v1", { digest: "edited by hand" });
    assert.deepEqual(
      plan({ previous, folders: edited }).packages.map((x) => x.generate),
      [false, false, true],
    );
    // common changed: it and both packages importing it are generated again.
    const changed = file("shop.common.v1", [], 2);
    const units = [unit(changed), ORDER, PAY];
    assert.deepEqual(
      planStubs({
        units,
        files: [changed, ORDER_FILE, PAY_FILE],
        selection: {},
        folders: intactFolders(first),
        salt: "s",
        previous,
      }).packages.map((x) => x.generate),
      [true, true, true],
    );
    // Another setting (salt) or version changes every hash.
    assert.ok(plan({ previous, folders: intactFolders(first), salt: "t" }).packages.every((x) => x.generate));
    assert.ok(plan({ previous, folders: intactFolders(first), version: "1.0.0" }).packages.every((x) => x.generate));
  });

  it("only: by npm name or proto package, not stamped, nothing pruned; an unknown name is an error listing the known ones", () => {
    const p = plan({ selection: { only: ["@shop/pay-v1", "shop.common.v1"] } });
    assert.deepEqual(
      p.packages.map((x) => x.unit.npmName),
      ["@shop/common-v1", "@shop/pay-v1"],
    );
    assert.equal(p.stamped, false);
    assert.equal(p.prune, false);
    // Every unit still has its folder and version (the dependency ranges of the selected ones).
    assert.deepEqual([...p.folders.keys()], ["@shop/common-v1", "@shop/order-v1", "@shop/pay-v1"]);
    assert.throws(
      () => plan({ selection: { only: ["shop.nope.v1"] } }),
      (e: unknown) => e instanceof ProtoshipError && /"shop\.nope\.v1"/.test(e.message) && /@shop\/order-v1/.test(e.hint ?? ""),
    );
  });

  it("shards: a partition by weight, the same on every call; stamped but not pruned; with only, refused (exit 2)", () => {
    const shards = [1, 2].map((index) => plan({ selection: { shard: { index, count: 2 } } }));
    const names = shards.map((s) => s.packages.map((x) => x.unit.npmName));
    // order-v1 (40 fields) outweighs the two others together.
    assert.deepEqual(names, [["@shop/order-v1"], ["@shop/common-v1", "@shop/pay-v1"]]);
    assert.ok(shards.every((s) => s.stamped && !s.prune));
    assert.deepEqual(plan({ selection: { shard: { index: 4, count: 4 } } }).packages, []);
    assert.throws(
      () => plan({ selection: { only: ["shop.pay.v1"], shard: { index: 1, count: 2 } } }),
      (e: unknown) => e instanceof ConfigError && e.exitCode === ExitCode.Usage && /^--shard is a share of every package/.test(e.message),
    );
  });

  it("two packages that would share a folder are refused", () => {
    const other = { ...PAY, npmName: "@other/pay-v1", protoPackage: "other.pay.v1" };
    assert.throws(
      () => planStubs({ units: [COMMON, PAY, other], files: FILES, selection: {}, folders: new Map(), salt: "s" }),
      /would share the folder pay-v1/,
    );
  });
});

describe("stampUpToDate", () => {
  it("needs the same key and every stamped folder as written", () => {
    const first = plan();
    const stamp = stampOf(first);
    const digests = new Map([...intactFolders(first)].map(([name, s]) => [name, s.digest]));
    assert.equal(stampUpToDate(stamp, "key", digests), true);
    assert.equal(stampUpToDate(stamp, "other key", digests), false);
    assert.equal(stampUpToDate(stamp, "key", new Map([...digests, ["@shop/pay-v1", undefined]])), false);
  });
});
