import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planBuild } from "../src/build/build-plan.js";
import type { StubPackageOnDisk } from "../src/build/stub-workspace.js";
import { ConfigError } from "../src/errors.js";

const pkg = (name: string, dependencies: string[] = [], build: string | undefined = "tsc"): StubPackageOnDisk => ({
  name,
  dir: `/repo/packages/stubs/${name.slice(3)}`,
  dependencies,
  build,
  esmTypes: undefined,
});
const names = (plan: readonly StubPackageOnDisk[]): string[] => plan.map((p) => p.name);

describe("planBuild: which stub packages protoship build runs, in what order", () => {
  const all = [pkg("@a/billing", ["@a/order", "@a/zcommon"]), pkg("@a/order", ["@a/zcommon"]), pkg("@a/zcommon"), pkg("@a/lone")];

  test("every package, each after the packages it depends on (not alphabetically)", () => {
    assert.deepEqual(names(planBuild(all).build), ["@a/zcommon", "@a/order", "@a/billing", "@a/lone"]);
  });

  test("named packages and what they depend on, nothing else", () => {
    assert.deepEqual(names(planBuild(all, ["@a/order"]).build), ["@a/zcommon", "@a/order"]);
    assert.deepEqual(names(planBuild(all, ["@a/lone", "@a/zcommon"]).build), ["@a/lone", "@a/zcommon"]);
  });

  test("a name that is no stub package is refused (exit 2), naming it", () => {
    assert.throws(
      () => planBuild(all, ["@a/nope"]),
      (e: unknown) => e instanceof ConfigError && /no stub package @a\/nope/.test(e.message),
    );
  });

  test("a package without a build script (ready as generated) is not built, and what imports it still is", () => {
    const scriptless = [all[0]!, all[1]!, { ...pkg("@a/zcommon"), build: undefined }, all[3]!];
    const plan = planBuild(scriptless, ["@a/billing"]);
    assert.deepEqual(names(plan.build), ["@a/order", "@a/billing"]);
    assert.deepEqual(names(plan.ready), ["@a/zcommon"]);
  });
});
