import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assemblePlan, generatorChange, type PlanUnit } from "../src/release/assemble-plan.ts";
import type { ReleaseTag } from "../src/release/tags.ts";

/** Plain-data tests of the stub-generator rule of the release plan: no git, no buf, no file system. */

const PROBE: PlanUnit = {
  protoPackage: "mesh.probe.v1",
  npmName: "@mesh/probe-v1",
  dependsOn: [],
  files: [{ name: "mesh/probe/v1/probe.proto" }],
};
const BETA: PlanUnit = {
  protoPackage: "mesh.x.v1beta1",
  npmName: "@mesh/x-v1beta1",
  dependsOn: [],
  files: [{ name: "mesh/x/v1beta1/x.proto" }],
};
const NEW: PlanUnit = { protoPackage: "mesh.new.v1", npmName: "@mesh/new-v1", dependsOn: [], files: [{ name: "mesh/new/v1/new.proto" }] };

function tag(u: PlanUnit, version: string): ReleaseTag {
  return { tag: `${u.npmName}@${version}`, name: u.npmName, version, commit: "base", annotated: true };
}

/** The plan of three units, PROBE released at 1.4.2 and BETA at 0.3.0 (NEW never), with no schema change at all. */
function plan(head: string, atRelease: Record<string, string>) {
  const result = assemblePlan({
    head: "head",
    units: [PROBE, BETA, NEW],
    lastRelease: new Map([tag(PROBE, "1.4.2"), tag(BETA, "0.3.0")].map((t) => [t.name, t])),
    changes: new Map(),
    repoPath: (f) => `protos/${f}`,
    generator: { head, atRelease: new Map(Object.entries(atRelease)) },
  });
  return new Map(result.packages.map((p) => [p.name, p]));
}

describe("release plan: a change of stub generator", () => {
  it("is a major release of every released package, with no schema change (minor at 0.x, as any breaking change)", () => {
    const packages = plan("protobuf-es", { "@mesh/probe-v1": "ts-proto", "@mesh/x-v1beta1": "ts-proto" });
    const probe = packages.get("@mesh/probe-v1")!;
    assert.deepEqual([probe.bump, probe.next], ["major", "2.0.0"]);
    assert.deepEqual(probe.changes, [
      {
        kind: "breaking",
        message: "stub generator changed from ts-proto to protobuf-es: the package's API is new (breaking)",
        file: "protoship.yaml",
        line: null,
      },
    ]);
    const beta = packages.get("@mesh/x-v1beta1")!;
    assert.deepEqual([beta.bump, beta.next], ["minor", "0.4.0"]);
    assert.deepEqual([packages.get("@mesh/new-v1")!.next], ["1.0.0"], "a first release is a first release");
  });

  it("back from protobuf-es to ts-proto is major too", () => {
    assert.equal(plan("ts-proto", { "@mesh/probe-v1": "protobuf-es" }).get("@mesh/probe-v1")!.next, "2.0.0");
  });

  it("the same generator, or one unknown at the release (a protoship.yaml that cannot be read), releases nothing", () => {
    const same = plan("protobuf-es", { "@mesh/probe-v1": "protobuf-es", "@mesh/x-v1beta1": "protobuf-es" });
    assert.deepEqual([same.get("@mesh/probe-v1")!.bump, same.get("@mesh/x-v1beta1")!.bump], ["none", "none"]);
    const unknown = plan("protobuf-es", {});
    assert.deepEqual([unknown.get("@mesh/probe-v1")!.bump, unknown.get("@mesh/probe-v1")!.changes], ["none", []]);
    assert.equal(generatorChange(undefined, "ts-proto"), undefined);
    assert.equal(generatorChange("ts-proto", "ts-proto"), undefined);
  });
});
