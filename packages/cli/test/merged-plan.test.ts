import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type PackageSources, planMergedBuild } from "../src/build/merged-plan.js";
import type { StubPackageOnDisk } from "../src/build/stub-workspace.js";
import { BUILD_SCRIPT, tsconfigCjs, tsconfigEsm } from "../src/generate/package-files.js";

const pkg = (name: string, dependencies: string[] = []): StubPackageOnDisk => ({
  name: `@a/${name}`,
  dir: `/repo/stubs/${name}`,
  dependencies: dependencies.map((d) => `@a/${d}`),
  build: BUILD_SCRIPT,
  esmTypes: `/repo/stubs/${name}/dist/esm/index.d.ts`,
});
/** A generated package: its index, its own file, and the shared files given as `path=digest`. */
const generated = (p: StubPackageOnDisk, shared: string[] = []): PackageSources => ({
  pkg: p,
  tsconfig: tsconfigEsm(),
  tsconfigCjs: tsconfigCjs(),
  sources: [
    { rel: "index.ts", digest: `index-${p.name}`, size: 100 },
    { rel: `${p.name.slice(3)}/v1/own.ts`, digest: `own-${p.name}`, size: 1000 },
    ...shared.map((s) => ({ rel: s.split("=")[0]!, digest: s.split("=")[1]!, size: 500 })),
  ],
});

describe("planMergedBuild: which stub packages one tsc program builds", () => {
  test("byte-identical shared copies go into the tree once; each index gets its own name; imports map to the tree", () => {
    const common = pkg("common");
    const order = pkg("order", ["common"]);
    const plan = planMergedBuild(
      [generated(common, ["google/protobuf/timestamp.ts=ts1"]), generated(order, ["google/protobuf/timestamp.ts=ts1"])],
      [common, order],
    );
    assert.deepEqual(plan.scripted, []);
    assert.equal(plan.batches.length, 1);
    const [batch] = plan.batches;
    assert.deepEqual([...batch!.tree].sort(), [
      ["common/v1/own.ts", "/repo/stubs/common/src/common/v1/own.ts"],
      ["google/protobuf/timestamp.ts", "/repo/stubs/common/src/google/protobuf/timestamp.ts"],
      ["index.0.ts", "/repo/stubs/common/src/index.ts"],
      ["index.1.ts", "/repo/stubs/order/src/index.ts"],
      ["order/v1/own.ts", "/repo/stubs/order/src/order/v1/own.ts"],
    ]);
    assert.equal(batch!.sharedCopies, 1);
    assert.deepEqual(batch!.paths, { "@a/common": ["./src/index.0.ts"] });
    assert.deepEqual(
      batch!.packages.map((p) => [p.pkg.name, p.index, p.files]),
      [
        ["@a/common", "index.0.ts", ["index.ts", "common/v1/own.ts", "google/protobuf/timestamp.ts"]],
        ["@a/order", "index.1.ts", ["index.ts", "order/v1/own.ts", "google/protobuf/timestamp.ts"]],
      ],
    );
  });

  test("a path with other bytes, or files protoship did not write, go to the package's own script, with what imports it", () => {
    const a = pkg("a");
    const b = pkg("b");
    const c = pkg("c", ["b"]);
    const d = { ...pkg("d"), build: "tsc" };
    const e = pkg("e");
    const plan = planMergedBuild(
      [
        generated(a, ["google/type/date.ts=v1"]),
        generated(b, ["google/type/date.ts=v2"]),
        generated(c),
        generated(d),
        { ...generated(e), tsconfig: "{}" },
      ],
      [a, b, c, d, e],
    );
    assert.deepEqual(
      plan.scripted.map((s) => [s.pkg.name, s.reason]),
      [
        ["@a/b", "its src/google/type/date.ts differs from another package's"],
        ["@a/c", "it imports @a/b"],
        ["@a/d", "its build script is not the generated one"],
        ["@a/e", "its tsconfig files are not the generated ones"],
      ],
    );
    assert.deepEqual(
      plan.batches.map((b) => b.packages.map((p) => p.pkg.name)),
      [["@a/a"]],
    );
  });

  test("a batch closes at its size; a package importing one built in an earlier batch reads its declarations", () => {
    const common = pkg("common");
    const order = pkg("order", ["common"]);
    const plan = planMergedBuild([generated(common), generated(order)], [common, order], 1000);
    assert.deepEqual(
      plan.batches.map((b) => b.packages.map((p) => p.pkg.name)),
      [["@a/common"], ["@a/order"]],
    );
    assert.deepEqual(plan.batches[1]!.paths, { "@a/common": ["/repo/stubs/common/dist/esm/index.d.ts"] });
    assert.equal(plan.batches[1]!.packages[0]!.index, "index.0.ts");
  });
});
