import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { GitFixture, protoship, REPO_ROOT, run, suiteTempDirs } from "@protoship/testkit";

const BUF = path.join(REPO_ROOT, "node_modules/.bin/buf");

/** An existing API that does not meet STANDARD lint (no enum value prefix) and is not formatted. */
const ORDER = `syntax = "proto3";
package acme.orders.v1;
enum Status { UNKNOWN = 0; SHIPPED = 1; }
message Order {   string id = 1; Status status = 2; }
`;

/**
 * protoship init on an API that already exists (issue 20): the module root that makes package and
 * folder agree, the lint and format debt recorded so that the first push passes and only new
 * violations fail, a repository's own root buf.yaml kept but guarded against node_modules, the
 * pnpm workspace that links the stubs, and a publish job sized to the API.
 */
describe("protoship init: adopting an existing API", { timeout: 240_000 }, () => {
  const dirs = suiteTempDirs({ before, after });

  async function repo(files: Record<string, string>): Promise<GitFixture> {
    const fx = await GitFixture.init(dirs.fresh("init-adopt-"));
    for (const [file, content] of Object.entries(files)) await fx.write(file, content);
    return fx;
  }

  it("picks the root where package and folder agree, records today's lint and format debt; the first push passes, a new violation fails", async () => {
    const fx = await repo({ "proto/acme/orders/v1/order.proto": ORDER, "package.json": '{ "name": "@acme/apis" }\n' });
    await fx.commitAll("the API as it is");
    const r = await protoship(fx.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    const buf = parse(await fx.read("buf.yaml")) as { modules: { path: string }[]; lint: { ignore_only: Record<string, string[]> } };
    assert.deepEqual(
      buf.modules.map((m) => m.path),
      ["proto"],
      "not `.`: PACKAGE_DIRECTORY_MATCH holds from proto/",
    );
    assert.deepEqual(buf.lint.ignore_only.ENUM_VALUE_PREFIX, ["proto/acme/orders/v1/order.proto"]);
    assert.deepEqual(parse(await fx.read("protoship.yaml")).check.formatBaseline, ["proto/acme/orders/v1/order.proto"]);
    assert.match(
      r.stdout,
      /^baseline: existing lint findings recorded in buf\.yaml lint\.ignore_only \(\d+ rules, 1 file: .*ENUM_VALUE_PREFIX/m,
    );
    assert.match(r.stdout, /^baseline: 1 unformatted file recorded in protoship\.yaml check\.formatBaseline/m);
    await fx.commitAll("protoship init");

    // The first push: buf.yaml is new, so every file is formatted and linted. (Breaking against a
    // base without buf.yaml is the adoption end-to-end test's part.)
    const first = await protoship(fx.dir, ["check", "--against", "HEAD~1", "--skip", "breaking"]);
    assert.equal(first.code, 0, `${first.stdout}${first.stderr}`);

    // New code is held to the rules.
    await fx.write(
      "proto/acme/orders/v1/refund.proto",
      'syntax = "proto3";\npackage acme.orders.v1;\nenum Reason { NONE = 0; }\nmessage   Refund {}\n',
    );
    const next = await protoship(fx.dir, ["check", "--against", "HEAD"]);
    assert.equal(next.code, 1, next.stdout);
    assert.match(next.stdout, /refund\.proto.*ENUM_VALUE_PREFIX/);
    assert.match(next.stdout, /refund\.proto.*FORMAT|FORMAT[\s\S]*refund\.proto/);
    assert.doesNotMatch(next.stdout, /order\.proto/);

    // Paying the format debt down as the README says: drop the file from the list (then the
    // format step holds it to buf format again), format it.
    await rm(path.join(fx.dir, "proto/acme/orders/v1/refund.proto"));
    await fx.write("protoship.yaml", (await fx.read("protoship.yaml")).replace(/check:\n(?:[ #].*\n)+/, ""));
    const owed = await protoship(fx.dir, ["check", "--against", "HEAD~1", "--skip", "breaking"]);
    assert.equal(owed.code, 1, owed.stdout);
    assert.match(owed.stdout, /order\.proto.*FORMAT|FORMAT[\s\S]*order\.proto/);
    const formatted = await run(BUF, ["format", "-w", "proto/acme/orders/v1/order.proto"], { cwd: fx.dir });
    assert.equal(formatted.code, 0, formatted.stderr);
    const paid = await protoship(fx.dir, ["check", "--against", "HEAD~1", "--skip", "breaking"]);
    assert.equal(paid.code, 0, `${paid.stdout}${paid.stderr}`);
    await fx.commitAll("format order.proto");

    // The lint debt, as init's hint says: delete an entry from lint.ignore_only, run protoship check.
    await fx.write(
      "buf.yaml",
      (await fx.read("buf.yaml")).replace(/ {4}ENUM_VALUE_PREFIX:\n {6}- proto\/acme\/orders\/v1\/order\.proto\n/, ""),
    );
    const lint = await protoship(fx.dir, ["check"]);
    assert.equal(lint.code, 1, lint.stdout + lint.stderr);
    assert.match(lint.stdout, /order\.proto:\d+:\d+: .*ENUM_VALUE_PREFIX/);
  });

  it("keeps a root buf.yaml (version v2, no modules) but excludes node_modules from it, says so, and says kept on a rerun", async () => {
    const fx = await repo({
      "buf.yaml": "# ours\nversion: v2\nlint:\n  use: [MINIMAL]\n",
      "acme/orders/v1/order.proto": 'syntax = "proto3";\n\npackage acme.orders.v1;\n\nmessage Order {\n  string id = 1;\n}\n',
      // What @grpc/grpc-js ships: .proto files whose imports do not resolve in the user's module.
      "node_modules/@grpc/grpc-js/proto/xds/orca.proto": 'syntax = "proto3";\n\npackage xds;\n\nimport "validate/validate.proto";\n',
    });
    const r = await protoship(fx.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^updated buf\.yaml$/m);
    assert.match(r.stdout, /^buf\.yaml: yours, edited only where needed: module \. excludes node_modules$/m);
    const text = await fx.read("buf.yaml");
    assert.match(text, /^# ours$/m);
    assert.deepEqual(parse(text).modules, [{ path: ".", excludes: ["node_modules"] }]);
    assert.deepEqual(parse(text).lint, { use: ["MINIMAL"] });
    const built = await run(BUF, ["build", "-o", "/dev/null"], { cwd: fx.dir });
    assert.equal(built.code, 0, built.stderr);

    const again = await protoship(fx.dir, ["init"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^kept buf\.yaml \(yours: init never replaces it\)$/m);
    assert.equal(await fx.read("buf.yaml"), text);
  });

  it("pnpm: the workspace lists the stub packages and links them, so stubs that depend on each other at ^0.0.0 install", async () => {
    const fx = await repo({
      "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n',
      "package.json": '{ "name": "@acme/apis", "private": true, "packageManager": "pnpm@12.21.0" }\n',
    });
    assert.equal((await protoship(fx.dir, ["init"])).code, 0);
    const ws = parse(await fx.read("pnpm-workspace.yaml")) as { packages: string[]; linkWorkspacePackages: boolean };
    assert.deepEqual(ws.packages, ["packages/stubs/*"]);
    assert.equal(ws.linkWorkspacePackages, true);
    // Two stub packages as generate writes them before their first release; the root's toolchain
    // devDependencies need a registry, so they are left out of this install.
    await fx.write("package.json", '{ "name": "@acme/apis", "private": true }\n');
    await fx.write("packages/stubs/a-v1/package.json", '{ "name": "@acme/a-v1", "version": "0.0.0" }\n');
    await fx.write(
      "packages/stubs/b-v1/package.json",
      '{ "name": "@acme/b-v1", "version": "0.0.0", "dependencies": { "@acme/a-v1": "^0.0.0" } }\n',
    );
    const install = await run("pnpm", ["install", "--offline"], { cwd: fx.dir, env: { CI: "" } });
    assert.equal(install.code, 0, `${install.stdout}${install.stderr}`);
    assert.equal(
      await fx.read("packages/stubs/b-v1/node_modules/@acme/a-v1/package.json"),
      '{ "name": "@acme/a-v1", "version": "0.0.0" }\n',
    );
  });

  it("records the repository's default branch as release.branch, not the adoption branch init runs on", async () => {
    const onBranch = async (setup: (fx: GitFixture) => Promise<void>) => {
      const fx = await repo({ "acme/a/v1/a.proto": 'syntax = "proto3";\n\npackage acme.a.v1;\n' });
      await fx.commitAll("the API");
      await setup(fx);
      await fx.git("checkout", "-q", "-b", "adopt-protoship");
      const r = await protoship(fx.dir, ["init"]);
      assert.equal(r.code, 0, r.stderr);
      const pr = parse(await fx.read(".github/workflows/protoship-pull-request.yml")) as { on: { pull_request: { branches: string[] } } };
      return { release: parse(await fx.read("protoship.yaml")).release.branch as string, base: pr.on.pull_request.branches };
    };
    // An existing main, no remote.
    assert.deepEqual(await onBranch(async () => {}), { release: "main", base: ["main"] });
    // master, no main.
    assert.deepEqual(await onBranch((fx) => fx.git("branch", "-q", "-m", "master").then(() => {})), {
      release: "master",
      base: ["master"],
    });
    // The remote's HEAD names the default, whatever else exists.
    const remote = await GitFixture.init(dirs.fresh("init-adopt-remote-"), { bare: true });
    assert.deepEqual(
      await onBranch(async (fx) => {
        await fx.git("branch", "-q", "-m", "trunk");
        await fx.git("branch", "-q", "main");
        await fx.git("remote", "add", "origin", remote.dir);
        await fx.git("push", "-q", "origin", "trunk");
        await fx.git("remote", "set-head", "origin", "trunk");
      }),
      { release: "trunk", base: ["trunk"] },
    );
  });

  it("sizes the publish job's timeout to the API: 15 minutes plus 6 s per proto package", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`acme/p${i}/v1/p.proto`] = `syntax = "proto3";\n\npackage acme.p${i}.v1;\n`;
    const fx = await repo(files);
    assert.equal((await protoship(fx.dir, ["init"])).code, 0);
    const release = parse(await fx.read(".github/workflows/protoship-release.yml")) as {
      jobs: Record<string, { "timeout-minutes": number }>;
    };
    assert.equal(release.jobs.publish!["timeout-minutes"], 19);
    assert.equal(release.jobs.tag!["timeout-minutes"], 15);
  });
});
