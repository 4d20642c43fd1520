import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GitFixture, protoship, readTree } from "@protoship/testkit";
import { generateStubs } from "../src/commands/generate.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const exec = promisify(execFile);
const temps: string[] = [];

/** The repository's bundled module in a fresh temp folder, with `stubs` set to `stubsYaml` (scope @mesh). */
async function moduleCopy(stubsYaml: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-es-"));
  temps.push(dir);
  await cp(path.join(ROOT, "protos"), path.join(dir, "protos"), { recursive: true });
  await cp(path.join(ROOT, "buf.yaml"), path.join(dir, "buf.yaml"));
  await writeFile(path.join(dir, "protoship.yaml"), `stubs:\n  scope: "@mesh"\n${stubsYaml}`);
  return dir;
}

/** Makes the generated packages and their runtime resolvable from `repo` as they would be once installed. */
async function linkPackages(repo: string): Promise<void> {
  const modules = path.join(repo, "node_modules");
  await mkdir(path.join(modules, "@bufbuild"), { recursive: true });
  await mkdir(path.join(modules, "@mesh"), { recursive: true });
  await symlink(path.join(ROOT, "node_modules/@bufbuild/protobuf"), path.join(modules, "@bufbuild/protobuf"));
  for (const name of await readdir(path.join(repo, "packages/stubs"), { withFileTypes: true }))
    if (name.isDirectory()) await symlink(path.join(repo, "packages/stubs", name.name), path.join(modules, "@mesh", name.name));
}

describe("protoship generate with stubs.generator: protobuf-es", { timeout: 240_000 }, () => {
  after(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  test("protoc-gen-es writes each package's JavaScript and declarations, ESM and CommonJS, that load and round-trip with no build", async () => {
    const repo = await moduleCopy("  generator: protobuf-es\n");
    const result = await generateStubs({ cwd: repo });
    assert.deepEqual(
      result.packages.map((p) => [p.npmName, p.dependencies]),
      [
        ["@mesh/grpc-health-v1", []],
        ["@mesh/common-v1", []],
        ["@mesh/heartbeat-v1", ["@mesh/common-v1"]],
        ["@mesh/notification-v1", ["@mesh/common-v1"]],
        ["@mesh/probe-v1", ["@mesh/common-v1"]],
      ],
    );
    const probe = await readTree(path.join(repo, "packages/stubs/probe-v1"));
    assert.deepEqual(
      [...probe.keys()].filter((f) => f !== ".protoship-generated").sort(),
      [
        "README.md",
        "cjs/index.d.ts",
        "cjs/index.js",
        "cjs/mesh/probe/v1/probe_pb.d.ts",
        "cjs/mesh/probe/v1/probe_pb.js",
        "cjs/package.json",
        "esm/index.d.ts",
        "esm/index.js",
        "esm/mesh/probe/v1/probe_pb.d.ts",
        "esm/mesh/probe/v1/probe_pb.js",
        "package.json",
        "test/smoke.test.mjs",
        "turbo.json",
      ],
      "well-known types come from @bufbuild/protobuf/wkt, @mesh/common-v1's files are not copied, nothing to build",
    );
    // Imports of another stub package's files go through its npm name, in all three kinds of file.
    assert.match(probe.get("esm/mesh/probe/v1/probe_pb.js")!, /^import \{ file_mesh_common_v1_target \} from "@mesh\/common-v1";$/m);
    assert.match(probe.get("esm/mesh/probe/v1/probe_pb.d.ts")!, /^import type \{ Location, Outcome, Target \} from "@mesh\/common-v1";$/m);
    assert.match(probe.get("cjs/mesh/probe/v1/probe_pb.js")!, /^const \{ file_mesh_common_v1_target \} = require\("@mesh\/common-v1"\);$/m);
    const pkg = JSON.parse(probe.get("package.json")!);
    assert.deepEqual(pkg.dependencies, { "@bufbuild/protobuf": "^2.17.0", "@mesh/common-v1": "^0.0.0" });
    assert.equal(pkg.scripts.build, undefined);
    assert.deepEqual(pkg.exports["."], {
      import: { types: "./esm/index.d.ts", default: "./esm/index.js" },
      require: { types: "./cjs/index.d.ts", default: "./cjs/index.js" },
    });

    await linkPackages(repo);
    for (const name of ["common-v1", "probe-v1", "grpc-health-v1"])
      await exec(process.execPath, ["--test", "test/"], { cwd: path.join(repo, "packages/stubs", name) }).catch(
        (error: { stdout: string }) => assert.fail(`${name}'s smoke test failed:\n${error.stdout}`),
      );
    const script = `
      import { createRequire } from "node:module";
      import { create, toBinary, fromBinary } from "@bufbuild/protobuf";
      import * as esm from "@mesh/probe-v1";
      const cjs = createRequire(import.meta.url)("@mesh/probe-v1");
      const request = create(esm.WatchProbeRequestSchema, { count: 3, target: { service: "payments.prod.svc", port: 443 } });
      const decoded = fromBinary(cjs.WatchProbeRequestSchema, toBinary(esm.WatchProbeRequestSchema, request));
      console.log(JSON.stringify({
        names: Object.keys(esm).filter((n) => /Service$|Schema$/.test(n)).sort(),
        methods: esm.ProbeService.methods.map((m) => [m.localName, m.methodKind]),
        count: decoded.count,
        target: decoded.target.service + ":" + decoded.target.port,
      }));`;
    await writeFile(path.join(repo, "load.mjs"), script);
    const loaded = JSON.parse((await exec(process.execPath, ["load.mjs"], { cwd: repo })).stdout);
    assert.deepEqual(loaded, {
      names: ["ProbeRequestSchema", "ProbeResponseSchema", "ProbeService", "WatchProbeRequestSchema", "WatchProbeResponseSchema"],
      methods: [
        ["probe", "unary"],
        ["watchProbe", "server_streaming"],
      ],
      count: 3,
      target: "payments.prod.svc:443",
    });
  });

  test("switching stubs.generator regenerates every package (the stamp sees it); a rerun writes nothing", async () => {
    const repo = await moduleCopy("");
    await generateStubs({ cwd: repo });
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n  generator: protobuf-es\n');
    const switched = await generateStubs({ cwd: repo });
    assert.deepEqual(switched.changed, ["common-v1", "grpc-health-v1", "heartbeat-v1", "notification-v1", "probe-v1"]);
    const probe = await readTree(path.join(repo, "packages/stubs/probe-v1"));
    assert.ok(probe.has("esm/index.js") && ![...probe.keys()].some((f) => f.startsWith("src/")), "no ts-proto file is left");
    assert.deepEqual((await generateStubs({ cwd: repo })).changed, []);
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n');
    assert.equal((await generateStubs({ cwd: repo })).changed.length, 5, "and back");
  });

  test("ts-proto options with protobuf-es are a configuration error at their line", async () => {
    const repo = await moduleCopy("  generator: protobuf-es\n  tsProtoOptions: [forceLong=long]\n");
    await assert.rejects(generateStubs({ cwd: repo }), (error: Error & { exitCode?: number }) => {
      assert.match(error.message, /protoship.yaml:4:3: stubs.tsProtoOptions: ts-proto options do not apply to generator protobuf-es/);
      return true;
    });
  });

  test("generate --check works the same: committed protobuf-es packages are up to date, a proto edit names the stale file", async () => {
    const repo = await GitFixture.init(await mkdtemp(path.join(os.tmpdir(), "protoship-es-check-")));
    temps.push(repo.dir);
    await repo.addBundledProtos();
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@mesh"\n  generator: protobuf-es\n');
    await repo.write(".gitignore", "node_modules/\n.protoship-stamp.json\n");
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    await repo.commitAll("protos and their protobuf-es stubs");
    const fresh = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
    assert.match(fresh.stdout, /5 stub packages up to date/);
    const probe = "protos/mesh/probe/v1/probe.proto";
    await repo.write(
      probe,
      (await repo.read(probe)).replace("message ProbeRequest {", "message ProbeRequest {\n  uint32 deadline_ms = 99;"),
    );
    const stale = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(stale.code, 1, stale.stdout + stale.stderr);
    assert.match(
      stale.stdout,
      /stale @mesh\/probe-v1 \(mesh\.probe\.v1\) in packages\/stubs\/probe-v1: changed .*esm\/mesh\/probe\/v1\/probe_pb\.d\.ts/,
    );
  });
});
