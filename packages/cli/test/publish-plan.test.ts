import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planPublish } from "../src/publish/publish-plan.ts";
import type { ReleaseTag } from "../src/release/tags.ts";

const tag = (name: string, version: string, commit: string): ReleaseTag => ({
  tag: `${name}@${version}`,
  name,
  version,
  commit,
  annotated: true,
});

describe("publish: the pure plan", () => {
  it("publishes what the registry lacks, skips the rest, and gives every package the version released at the commit", () => {
    const order2 = tag("@shop/order-v1", "2.0.0", "c2");
    const common11 = tag("@shop/common-v1", "1.1.0", "c2");
    const billing1 = tag("@shop/billing-v1", "1.0.0", "c1");
    const plan = planPublish([
      {
        commit: "c2",
        tags: [order2, common11],
        onRegistry: new Set([common11]),
        // order's last release reachable from c2 before this one was 1.0.0: the tag's own version wins.
        reachable: new Map([
          ["@shop/order-v1", tag("@shop/order-v1", "1.0.0", "c1")],
          ["@shop/billing-v1", billing1],
        ]),
      },
    ]);
    assert.equal(plan.length, 1);
    assert.deepEqual(plan[0]!.todo, [order2]);
    assert.deepEqual(plan[0]!.skipped, [common11]);
    assert.deepEqual(plan[0]!.versions, { "@shop/order-v1": "2.0.0", "@shop/billing-v1": "1.0.0", "@shop/common-v1": "1.1.0" });
  });

  it("keeps the commits apart, in the order given", () => {
    const a = tag("@shop/a-v1", "1.0.0", "c1");
    const b = tag("@shop/b-v1", "1.0.0", "c2");
    const plan = planPublish([
      { commit: "c1", tags: [a], onRegistry: new Set([a]), reachable: new Map() },
      { commit: "c2", tags: [b], onRegistry: new Set(), reachable: new Map([["@shop/a-v1", a]]) },
    ]);
    assert.deepEqual(
      plan.map((p) => [p.commit, p.todo.map((t) => t.tag), p.skipped.map((t) => t.tag), p.versions]),
      [
        ["c1", [], ["@shop/a-v1@1.0.0"], { "@shop/a-v1": "1.0.0" }],
        ["c2", ["@shop/b-v1@1.0.0"], [], { "@shop/a-v1": "1.0.0", "@shop/b-v1": "1.0.0" }],
      ],
    );
  });
});
