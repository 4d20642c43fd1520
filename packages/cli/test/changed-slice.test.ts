import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changedSlice, headSliceFiles, missedPackages, type SliceFile } from "../src/release/changed-slice.ts";

// common.v1 <- order.v1 <- shipping.v1; billing.v1 stands alone. Module root "proto".
const HEAD: SliceFile[] = [
  { name: "google/protobuf/timestamp.proto", package: "google.protobuf", dependency: [] },
  { name: "shop/common/v1/money.proto", package: "shop.common.v1", dependency: ["google/protobuf/timestamp.proto"] },
  { name: "shop/order/v1/order.proto", package: "shop.order.v1", dependency: ["shop/common/v1/money.proto"] },
  { name: "shop/shipping/v1/shipping.proto", package: "shop.shipping.v1", dependency: ["shop/order/v1/order.proto"] },
  { name: "shop/billing/v1/billing.proto", package: "shop.billing.v1", dependency: [] },
  { name: "shop/billing/v1/extra.proto", package: "shop.billing.v1", dependency: [] },
];
const UNITS = ["shop.common.v1", "shop.order.v1", "shop.shipping.v1", "shop.billing.v1"].map((protoPackage) => ({
  protoPackage,
  files: HEAD.filter((f) => f.package === protoPackage),
}));
const ALL = new Set(UNITS.map((u) => u.protoPackage));
const repoPath = (name: string): string => `proto/${name}`;

describe("release plan: what a change since the tags can reach", () => {
  it("a changed imported package brings every unit importing it, transitively, and no other", () => {
    const slice = changedSlice(HEAD, UNITS, [{ path: "proto/shop/common/v1/money.proto", status: "M" }], repoPath, ALL);
    assert.deepEqual([...slice.packages].sort(), ["shop.common.v1", "shop.order.v1", "shop.shipping.v1"]);
    assert.deepEqual(slice.basePaths, [
      "proto/shop/common/v1/money.proto",
      "proto/shop/order/v1/order.proto",
      "proto/shop/shipping/v1/shipping.proto",
    ]);
  });

  it("a file added since the tag is not compiled at the base; a deleted one is", () => {
    const slice = changedSlice(
      HEAD,
      UNITS,
      [
        { path: "proto/shop/billing/v1/extra.proto", status: "A" },
        { path: "proto/shop/billing/v1/gone.proto", status: "D" },
      ],
      repoPath,
      ALL,
    );
    assert.deepEqual([...slice.packages], ["shop.billing.v1"]);
    assert.deepEqual(slice.basePaths, ["proto/shop/billing/v1/billing.proto", "proto/shop/billing/v1/gone.proto"]);
  });

  it("only the units released at that commit are compared", () => {
    const slice = changedSlice(
      HEAD,
      UNITS,
      [{ path: "proto/shop/common/v1/money.proto", status: "M" }],
      repoPath,
      new Set(["shop.order.v1"]),
    );
    assert.deepEqual([...slice.packages], ["shop.order.v1"]);
    assert.ok(slice.basePaths.includes("proto/shop/order/v1/order.proto"));
  });

  it("a changed file that belonged to another package at the base is caught by the check, and selecting again includes that package", () => {
    // extra.proto is in billing at HEAD but was in order at the tag: HEAD alone cannot tell.
    const changed = [{ path: "proto/shop/billing/v1/extra.proto", status: "M" }];
    const first = changedSlice(HEAD, UNITS, changed, repoPath, ALL);
    assert.deepEqual([...first.packages], ["shop.billing.v1"]);
    const baseOwn = [
      { package: "shop.billing.v1" }, // billing.proto
      { package: "shop.order.v1" }, // extra.proto at the tag
    ];
    const missed = missedPackages(baseOwn, first, ALL);
    assert.deepEqual([...missed], ["shop.order.v1"]);
    const second = changedSlice(HEAD, UNITS, changed, repoPath, ALL, new Set([...first.packages, ...missed]));
    assert.deepEqual([...second.packages].sort(), ["shop.billing.v1", "shop.order.v1"]);
    assert.ok(second.basePaths.includes("proto/shop/order/v1/order.proto"));
    assert.equal(missedPackages(baseOwn, second, ALL).size, 0);
  });

  it("the HEAD side of the comparison holds the compared files and everything they import, in image order", () => {
    const files = headSliceFiles(HEAD, ["shop/order/v1/order.proto"]).map((f) => f.name);
    assert.deepEqual(files, ["google/protobuf/timestamp.proto", "shop/common/v1/money.proto", "shop/order/v1/order.proto"]);
  });
});
