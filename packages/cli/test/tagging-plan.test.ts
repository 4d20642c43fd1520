import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnvironmentError, ExitCode, ProtoshipError } from "../src/errors.ts";
import type { PackagePlan } from "../src/release/plan.ts";
import {
  afterRejectedPush,
  checkLocal,
  checkRemote,
  planTagging,
  type LocalState,
  type RemoteState,
  type TagSettings,
} from "../src/release/tagging-plan.ts";

const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
const SETTINGS: TagSettings = { branch: "main", remote: "origin", tagFormat: "{name}@{version}", push: true };
const LOCAL: LocalState = { head: HEAD, branch: "main", dirty: [], tags: new Map() };
const REMOTE: RemoteState = {
  exists: true,
  branch: { commit: HEAD, known: true, headIsAncestor: true, remoteIsAncestor: true },
  tags: new Map(),
};

function pkg(name: string, current: string | null, next: string | null): PackagePlan {
  const protoPackage = name.slice(name.indexOf("/") + 1).replaceAll("-", ".");
  return {
    name,
    protoPackage,
    current,
    next,
    bump: next === null ? "none" : current === null ? "major" : "minor",
    changes: [],
    dependsOn: [],
    lastTag: undefined,
    unit: { protoPackage, npmName: name, files: [{ name: "a.proto", package: protoPackage, dependency: [] }], dependsOn: [] },
  };
}
const PLAN = {
  packages: [pkg("@shop/order-v1", "1.0.0", "1.1.0"), pkg("@shop/billing-v1", "1.0.0", null), pkg("@shop/ship-v1", null, "1.0.0")],
};

/** The refusal `fn` throws: its message and exit code. */
function refusalOf(fn: () => unknown): { message: string; exitCode: number; kind: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ProtoshipError, String(error));
    return { message: error.message, exitCode: error.exitCode, kind: error.constructor.name };
  }
  assert.fail("not refused");
}

describe("release tag: the pure decisions", () => {
  it("refuses off the release branch, on a detached HEAD and on a dirty tree, naming the cause", () => {
    assert.match(
      refusalOf(() => checkLocal({ ...LOCAL, branch: "feature" }, SETTINGS)).message,
      /not on the release branch main \(on feature\)/,
    );
    assert.match(refusalOf(() => checkLocal({ ...LOCAL, branch: undefined }, SETTINGS)).message, /HEAD is detached/);
    const dirty = refusalOf(() => checkLocal({ ...LOCAL, dirty: ["a", "b", "c", "d", "e"] }, SETTINGS));
    assert.match(dirty.message, /the working tree is dirty \(a, b, c, … 2 more\)/);
    assert.equal(dirty.exitCode, ExitCode.Usage);
    checkLocal(LOCAL, SETTINGS);
  });

  it("checks the remote: missing when pushing, branch missing, behind, diverged, ahead; fine at HEAD or ahead without a push", () => {
    const none: RemoteState = { exists: false, tags: new Map() };
    assert.throws(() => checkRemote(LOCAL, none, SETTINGS), EnvironmentError);
    checkRemote(LOCAL, none, { ...SETTINGS, push: false });
    assert.match(refusalOf(() => checkRemote(LOCAL, { exists: true, tags: new Map() }, SETTINGS)).message, /main does not exist on origin/);
    const at = (b: Partial<NonNullable<RemoteState["branch"]>>): RemoteState => ({
      ...REMOTE,
      branch: { commit: OLD, known: true, headIsAncestor: false, remoteIsAncestor: false, ...b },
    });
    assert.match(refusalOf(() => checkRemote(LOCAL, at({ known: false }), SETTINGS)).message, /main is behind origin\/main/);
    assert.match(refusalOf(() => checkRemote(LOCAL, at({ headIsAncestor: true }), SETTINGS)).message, /behind/);
    assert.match(refusalOf(() => checkRemote(LOCAL, at({}), SETTINGS)).message, /main has diverged from origin\/main/);
    assert.match(
      refusalOf(() => checkRemote(LOCAL, at({ remoteIsAncestor: true }), SETTINGS)).message,
      /commits that are not on origin yet/,
    );
    checkRemote(LOCAL, at({ remoteIsAncestor: true }), { ...SETTINGS, push: false });
    checkRemote(LOCAL, REMOTE, SETTINGS);
  });

  it("plans one tag per package to release; a tag at HEAD is done, on the remote only it is fetched", () => {
    const plan = planTagging(LOCAL, REMOTE, PLAN, SETTINGS);
    assert.deepEqual(
      plan.create.map((c) => c.tag),
      ["@shop/order-v1@1.1.0", "@shop/ship-v1@1.0.0"],
    );
    assert.deepEqual(plan.fetch, []);
    const local: LocalState = { ...LOCAL, tags: new Map([["@shop/order-v1@1.1.0", { name: "@shop/order-v1", commit: HEAD }]]) };
    const remote: RemoteState = { ...REMOTE, tags: new Map([["@shop/ship-v1@1.0.0", HEAD]]) };
    const again = planTagging(local, remote, PLAN, SETTINGS);
    assert.deepEqual(again.create, []);
    assert.deepEqual(again.fetch, ["@shop/ship-v1@1.0.0"]);
    assert.deepEqual(again.unpushed, ["@shop/order-v1@1.1.0"], "an earlier --no-push run's tag is pushed now");
  });

  it("never moves a tag: one at another commit, locally or on the remote, is refused", () => {
    const local: LocalState = { ...LOCAL, tags: new Map([["@shop/order-v1@1.1.0", { name: "@shop/order-v1", commit: OLD }]]) };
    const here = refusalOf(() => planTagging(local, REMOTE, PLAN, SETTINGS));
    assert.match(here.message, /@shop\/order-v1@1\.1\.0 already exists locally at bbbbbbbbbbbb, not at HEAD aaaaaaaaaaaa/);
    const remote: RemoteState = { ...REMOTE, tags: new Map([["@shop/ship-v1@1.0.0", OLD]]) };
    assert.match(refusalOf(() => planTagging(LOCAL, remote, PLAN, SETTINGS)).message, /already exists on origin at bbbbbbbbbbbb/);
  });

  it("after a rejected push: released by another run, retried, or given up keeping what the remote holds as ours", () => {
    const pending = ["@shop/order-v1@1.1.0", "@shop/ship-v1@1.0.0"];
    const created = [...pending];
    const ownObjects = new Map([
      ["@shop/order-v1@1.1.0", "o1"],
      ["@shop/ship-v1@1.0.0", "s1"],
    ]);
    const input = { head: HEAD, pending, created, ownObjects, attempt: 1, attempts: 3 };
    const both = new Map([
      ["@shop/order-v1@1.1.0", { object: "o2", commit: HEAD }],
      ["@shop/ship-v1@1.0.0", { object: "s1", commit: HEAD }],
    ]);
    assert.deepEqual(afterRejectedPush({ ...input, onRemote: both }), { kind: "released-elsewhere", replaced: ["@shop/order-v1@1.1.0"] });
    const one = new Map([["@shop/ship-v1@1.0.0", { object: "s1", commit: HEAD }]]);
    assert.deepEqual(afterRejectedPush({ ...input, onRemote: one }), { kind: "retry" });
    assert.deepEqual(afterRejectedPush({ ...input, onRemote: one, attempt: 3 }), { kind: "give-up", rollback: ["@shop/order-v1@1.1.0"] });
    const elsewhere = new Map([["@shop/order-v1@1.1.0", { object: "x", commit: OLD }]]);
    assert.deepEqual(afterRejectedPush({ ...input, onRemote: elsewhere }), { kind: "give-up", rollback: created });
  });
});
