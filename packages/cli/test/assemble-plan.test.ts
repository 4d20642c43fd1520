import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assemblePlan, type PlanInput, type PlanUnit } from "../src/release/assemble-plan.ts";
import type { ChangeKind, SchemaChange } from "../src/release/classify.ts";
import type { ReleaseTag } from "../src/release/tags.ts";

/** Plain-data tests of the release rules: no git, no buf, no file system. */

function unit(protoPackage: string, dependsOn: string[] = [], files = [`${protoPackage.replaceAll(".", "/")}/api.proto`]): PlanUnit {
  const npmName = `@shop/${protoPackage.split(".").slice(1).join("-")}`;
  return { protoPackage, npmName, dependsOn, files: files.map((name) => ({ name })) };
}

function tag(u: PlanUnit, version: string, commit = "base"): ReleaseTag {
  return { tag: `${u.npmName}@${version}`, name: u.npmName, version, commit, annotated: true };
}

function change(kind: ChangeKind, message = `a ${kind} change`): SchemaChange {
  return { kind, message, file: "proto/x.proto", line: 1 };
}

function plan(units: PlanUnit[], released: ReleaseTag[], changes: Record<string, SchemaChange[]> = {}) {
  const input: PlanInput<PlanUnit> = {
    head: "head",
    units,
    lastRelease: new Map(released.map((t) => [t.name, t])),
    changes: new Map(Object.entries(changes)),
    repoPath: (f) => `proto/${f}`,
  };
  const result = assemblePlan(input);
  assert.equal(result.head, "head");
  return new Map(result.packages.map((p) => [p.name, p]));
}

const ORDER = unit("shop.order.v1");
const COMMON = unit("shop.common.v1");
const BETA = unit("shop.pay.v1beta1");

describe("assemblePlan", () => {
  it("first release is 1.0.0 and lists the unit's files as added", () => {
    const p = plan([ORDER], [], { "shop.order.v1": [change("breaking")] }).get(ORDER.npmName)!;
    assert.deepEqual([p.current, p.next, p.bump], [null, "1.0.0", "major"]);
    assert.deepEqual(p.changes, [
      { kind: "additive", message: "added file `shop/order/v1/api.proto`", file: "proto/shop/order/v1/api.proto", line: null },
    ]);
    assert.equal(p.lastTag, undefined);
  });

  it("an unstable package starts at 0.1.0; at 0.x breaking → minor and additive → patch", () => {
    assert.deepEqual(plan([BETA], []).get(BETA.npmName)!.next, "0.1.0");
    const broke = plan([BETA], [tag(BETA, "0.1.0")], { "shop.pay.v1beta1": [change("breaking"), change("additive")] }).get(BETA.npmName)!;
    assert.deepEqual([broke.bump, broke.next], ["minor", "0.2.0"]);
    const added = plan([BETA], [tag(BETA, "0.2.3")], { "shop.pay.v1beta1": [change("additive")] }).get(BETA.npmName)!;
    assert.deepEqual([added.bump, added.next], ["patch", "0.2.4"]);
  });

  it("from 1.x: breaking → major, additive → minor, comments → patch", () => {
    const cases: [ChangeKind[], string, string][] = [
      [["comment", "breaking", "additive"], "major", "2.0.0"],
      [["comment", "additive"], "minor", "1.3.0"],
      [["change"], "minor", "1.3.0"],
      [["comment"], "patch", "1.2.4"],
    ];
    for (const [kinds, bump, next] of cases) {
      const p = plan([ORDER], [tag(ORDER, "1.2.3")], { "shop.order.v1": kinds.map((k) => change(k)) }).get(ORDER.npmName)!;
      assert.deepEqual([p.current, p.bump, p.next], ["1.2.3", bump, next], kinds.join(","));
      assert.equal(p.changes[0]!.kind, kinds.includes("breaking") ? "breaking" : kinds.includes("additive") ? "additive" : kinds[0]);
    }
  });

  it("a released unit with no changes is not released", () => {
    const plans = plan([ORDER, COMMON], [tag(ORDER, "1.0.0"), tag(COMMON, "1.4.0")], { "shop.order.v1": [] });
    for (const p of plans.values()) {
      assert.deepEqual([p.bump, p.next, p.changes], ["none", null, []]);
    }
    assert.equal(plans.get(COMMON.npmName)!.lastTag?.version, "1.4.0");
  });

  it("a dependency leaving the ^ range bumps the dependent by a patch with an 'updated dependency' change", () => {
    const order = unit("shop.order.v1", ["shop.common.v1"]);
    const plans = plan([order, COMMON], [tag(order, "1.1.0"), tag(COMMON, "1.0.0")], { "shop.common.v1": [change("breaking")] });
    const o = plans.get(order.npmName)!;
    assert.deepEqual([o.bump, o.next], ["patch", "1.1.1"]);
    assert.deepEqual(o.changes, [
      { kind: "dependency", message: "updated dependency `@shop/common-v1` to 2.0.0", file: "proto/shop/order/v1/api.proto", line: null },
    ]);
    assert.deepEqual(o.dependsOn, ["@shop/common-v1"]);
  });

  it("a dependency staying inside the ^ range does not bump the dependent", () => {
    const order = unit("shop.order.v1", ["shop.common.v1"]);
    const plans = plan([order, COMMON], [tag(order, "1.1.0"), tag(COMMON, "1.0.0")], { "shop.common.v1": [change("additive")] });
    assert.equal(plans.get(COMMON.npmName)!.next, "1.1.0");
    assert.deepEqual([plans.get(order.npmName)!.next, plans.get(order.npmName)!.changes], [null, []]);
  });

  it("a 0.x dependency's minor bump leaves the ^ range; a first release of the dependent adds no dependency change", () => {
    const order = unit("shop.order.v1", ["shop.pay.v1beta1"]);
    const moved = plan([order, BETA], [tag(order, "2.0.0"), tag(BETA, "0.3.0")], { "shop.pay.v1beta1": [change("breaking")] });
    assert.deepEqual([moved.get(order.npmName)!.next, moved.get(BETA.npmName)!.next], ["2.0.1", "0.4.0"]);
    const first = plan([order, BETA], [tag(BETA, "0.3.0")], { "shop.pay.v1beta1": [change("breaking")] }).get(order.npmName)!;
    assert.deepEqual(
      first.changes.map((c) => c.kind),
      ["additive"],
    );
  });

  it("orders units after the units they import, ties by proto package", () => {
    const a = unit("shop.a.v1", ["shop.z.v1"]);
    const b = unit("shop.b.v1");
    const z = unit("shop.z.v1", ["shop.y.v1"]);
    const y = unit("shop.y.v1");
    const result = assemblePlan({ head: "h", units: [b, a, y, z], lastRelease: new Map(), changes: new Map(), repoPath: (f) => f });
    assert.deepEqual(
      result.packages.map((p) => p.protoPackage),
      ["shop.y.v1", "shop.z.v1", "shop.a.v1", "shop.b.v1"],
    );
    assert.equal(result.packages[0]!.unit, y);
  });

  it("does not mutate the gathered changes", () => {
    const order = unit("shop.order.v1", ["shop.common.v1"]);
    const gathered = [change("comment")];
    plan([order, COMMON], [tag(order, "1.0.0"), tag(COMMON, "1.0.0")], {
      "shop.order.v1": gathered,
      "shop.common.v1": [change("breaking")],
    });
    assert.deepEqual(gathered, [change("comment")]);
  });
});
