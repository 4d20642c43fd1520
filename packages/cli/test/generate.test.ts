import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { GitFixture, readTree } from "@protoship/testkit";
import { generateStubs } from "../src/commands/generate.js";
import { generateStubsIn } from "../src/generate/generate-stubs.js";
import { Project } from "../src/project/project.js";
import { matchesPackage } from "../src/generate/select-units.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const temps: string[] = [];
const execFileAsync = promisify(execFile);

/** A copy of the repository's bundled module (buf.yaml, protoship.yaml with scope @mesh, protos/) in a fresh temp folder. */
async function moduleCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-generate-"));
  temps.push(dir);
  await cp(path.join(ROOT, "protos"), path.join(dir, "protos"), { recursive: true });
  for (const file of ["buf.yaml", "protoship.yaml"]) await cp(path.join(ROOT, file), path.join(dir, file));
  return dir;
}

/** Compiles a generated package as its own build does (tsc --strict), resolving the runtime from the repository. */
async function typeCheck(packageDir: string): Promise<void> {
  const tsconfig = JSON.parse(await readFile(path.join(packageDir, "tsconfig.json"), "utf8"));
  tsconfig.compilerOptions = {
    ...tsconfig.compilerOptions,
    noEmit: true,
    typeRoots: [path.join(ROOT, "node_modules/@types")],
    paths: {
      "@grpc/grpc-js": [path.join(ROOT, "node_modules/@grpc/grpc-js/build/src/index.d.ts")],
      "@bufbuild/protobuf/wire": [path.join(ROOT, "node_modules/@bufbuild/protobuf/dist/esm/wire/index.d.ts")],
    },
  };
  await writeFile(path.join(packageDir, "tsconfig.check.json"), JSON.stringify(tsconfig));
  await execFileAsync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.check.json"], {
    cwd: packageDir,
  }).catch((error: { stdout: string }) => assert.fail(`tsc failed in ${path.basename(packageDir)}:\n${error.stdout}`));
}

describe("protoship generate", { timeout: 120_000 }, () => {
  after(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  test("one package per proto package; cross-package imports go through the dependency's npm name", async () => {
    const repo = await moduleCopy();
    const result = await generateStubs({ cwd: repo });
    assert.deepEqual(
      result.packages.map((p) => [p.npmName, path.relative(repo, p.dir), p.dependencies]),
      [
        ["@mesh/grpc-health-v1", "packages/stubs/grpc-health-v1", []],
        ["@mesh/common-v1", "packages/stubs/common-v1", []],
        ["@mesh/heartbeat-v1", "packages/stubs/heartbeat-v1", ["@mesh/common-v1"]],
        ["@mesh/notification-v1", "packages/stubs/notification-v1", ["@mesh/common-v1"]],
        ["@mesh/probe-v1", "packages/stubs/probe-v1", ["@mesh/common-v1"]],
      ],
    );
    const probe = await readTree(path.join(repo, "packages/stubs/probe-v1"));
    const source = probe.get("src/mesh/probe/v1/probe.ts")!;
    assert.match(source, /import \{ Location, Outcome, Target \} from "@mesh\/common-v1";/);
    assert.doesNotMatch(source, /common\/v1\/target/);
    assert.ok(!probe.has("src/mesh/common/v1/target.ts"), "common types are not copied");
    assert.ok(probe.has("src/google/protobuf/duration.ts"), "well-known types travel with the package");
    assert.match(source, /sequence: bigint;/, "uint64 is a bigint");
    const pkg = JSON.parse(probe.get("package.json")!);
    assert.deepEqual(pkg.dependencies, { "@bufbuild/protobuf": "^2.14.1", "@mesh/common-v1": "^0.0.0" });
    assert.deepEqual(Object.keys(pkg.peerDependencies), ["@grpc/grpc-js"]);
    assert.equal(pkg.sideEffects, false);
    assert.deepEqual(pkg.exports["."].require, { types: "./dist/cjs/index.d.ts", default: "./dist/cjs/index.js" });
    assert.match(probe.get("README.md")!, /probeServiceServer|ProbeServiceServer = \{/);
    assert.match(probe.get("README.md")!, /new ProbeServiceClient\("127\.0\.0\.1:50051"/);
  });

  test("deterministic: two copies in different places give byte-identical packages, without absolute paths", async () => {
    const [a, b] = [await moduleCopy(), await moduleCopy()];
    await generateStubs({ cwd: a });
    await generateStubs({ cwd: b });
    const [treeA, treeB] = [await readTree(path.join(a, "packages/stubs")), await readTree(path.join(b, "packages/stubs"))];
    assert.deepEqual([...treeA.keys()], [...treeB.keys()]);
    for (const [file, text] of treeA) {
      assert.equal(text, treeB.get(file), file);
      assert.ok(!text.includes(a) && !text.includes(os.tmpdir()), `${file} has no absolute path`);
    }
    const again = await generateStubs({ cwd: a });
    assert.deepEqual(again.changed, [], "a rerun with nothing changed writes nothing");
  });

  test("atomic: a schema error says file:line:col and leaves the previous packages as they were", async () => {
    const repo = await moduleCopy();
    await generateStubs({ cwd: repo });
    const before = await readTree(path.join(repo, "packages/stubs"));
    const probeProto = path.join(repo, "protos/mesh/probe/v1/probe.proto");
    const text = await readFile(probeProto, "utf8");
    await writeFile(probeProto, text.replace("uint32 count = 3;", "uint32 count = 3\n  NoSuchType other = 5;"));
    await assert.rejects(generateStubs({ cwd: repo }), (error: Error) => {
      assert.match(error.message, /protos\/mesh\/probe\/v1\/probe\.proto:\d+:\d+: /);
      return true;
    });
    assert.deepEqual(await readTree(path.join(repo, "packages/stubs")), before);
    const siblings = await readdir(path.join(repo, "packages"));
    assert.deepEqual(siblings, ["stubs"], "no temporary folder is left behind");
  });

  test("a changed proto package rewrites only its folder; packages gone from the module are removed", async () => {
    const repo = await moduleCopy();
    await generateStubs({ cwd: repo });
    const heartbeat = path.join(repo, "protos/mesh/heartbeat/v1/heartbeat.proto");
    await writeFile(
      heartbeat,
      (await readFile(heartbeat, "utf8")).replace(
        "message GetStatusRequest {}",
        "message GetStatusRequest {\n  // Why.\n  string reason = 1;\n}",
      ),
    );
    assert.deepEqual((await generateStubs({ cwd: repo })).changed, ["heartbeat-v1"]);
    await rm(path.join(repo, "protos/grpc"), { recursive: true });
    assert.deepEqual((await generateStubs({ cwd: repo })).changed, ["grpc-health-v1"]);
    assert.deepEqual((await readdir(path.join(repo, "packages/stubs"))).sort(), [
      ".protoship-stamp.json",
      "common-v1",
      "heartbeat-v1",
      "notification-v1",
      "probe-v1",
    ]);
  });

  test("for publishing: one package with a given version into another folder, dependency ranges following the versions", async () => {
    const repo = await moduleCopy();
    const out = path.join(repo, "publish-tmp");
    const result = await generateStubs({
      cwd: repo,
      outDir: out,
      only: ["@mesh/probe-v1"],
      version: { "@mesh/probe-v1": "1.4.0", "@mesh/common-v1": "2.1.3" },
    });
    assert.deepEqual(await readdir(out), ["probe-v1"]);
    const pkg = JSON.parse(await readFile(path.join(out, "probe-v1/package.json"), "utf8"));
    assert.equal(pkg.version, "1.4.0");
    assert.equal(pkg.dependencies["@mesh/common-v1"], "^2.1.3");
    assert.equal(result.packages[0]?.version, "1.4.0");
    await assert.rejects(generateStubs({ cwd: repo, only: ["@mesh/nope"] }), /no proto package or stub package named "@mesh\/nope"/);
  });

  test("incremental: a deleted package folder comes back; --force regenerates without changing bytes", async () => {
    const repo = await moduleCopy();
    await generateStubs({ cwd: repo });
    const before = await readTree(path.join(repo, "packages/stubs"));
    await rm(path.join(repo, "packages/stubs/notification-v1"), { recursive: true });
    assert.deepEqual((await generateStubs({ cwd: repo })).changed, ["notification-v1"]);
    assert.deepEqual((await generateStubs({ cwd: repo, force: true })).changed, []);
    assert.deepEqual(await readTree(path.join(repo, "packages/stubs")), before);
  });

  test("include patterns: google.cloud.** style, other packages' files are copied in", async () => {
    const repo = await moduleCopy();
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n  include: ["mesh.*.v1"]\n  exclude: [mesh.common.v1]\n');
    const result = await generateStubs({ cwd: repo });
    assert.deepEqual(
      result.packages.map((p) => p.npmName),
      ["@mesh/heartbeat-v1", "@mesh/notification-v1", "@mesh/probe-v1"],
    );
    const probe = await readTree(path.join(repo, "packages/stubs/probe-v1"));
    assert.ok(probe.has("src/mesh/common/v1/target.ts"), "the excluded common package travels as a copy");
    assert.match(probe.get("src/mesh/probe/v1/probe.ts")!, /from "\.\.\/\.\.\/common\/v1\/target\.js"/);
    assert.deepEqual(JSON.parse(probe.get("package.json")!).dependencies, { "@bufbuild/protobuf": "^2.14.1" });
    assert.ok(matchesPackage("google.cloud.**", "google.cloud.language.v1"));
    assert.ok(!matchesPackage("google.cloud.**", "google.api"));
    assert.ok(matchesPackage("**", "a.b"));
    assert.ok(!matchesPackage("mesh.*.v1", "mesh.a.b.v1"));
  });

  test("include compiles only the selected packages' files (and imports): the same bytes as compiling the whole module", async () => {
    const [subset, whole] = [await moduleCopy(), await moduleCopy()];
    for (const repo of [subset, whole])
      await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n  include: ["mesh.probe.v1", "mesh.heartbeat.*"]\n');
    // Outside the selection, a file that does not compile: buf, given only the selection, never reads it.
    await mkdir(path.join(subset, "protos/mesh/broken/v1"), { recursive: true });
    await writeFile(path.join(subset, "protos/mesh/broken/v1/broken.proto"), 'syntax = "proto3";\npackage mesh.broken.v1;\nmessage {\n');
    // Without buf's folder rule (PACKAGE_DIRECTORY_MATCH) there is no promise to rely on: the whole module is compiled.
    const bufYaml = await readFile(path.join(whole, "buf.yaml"), "utf8");
    assert.ok(bufYaml.includes("    - STANDARD\n"));
    await writeFile(
      path.join(whole, "buf.yaml"),
      bufYaml.replace("    - STANDARD\n", "    - STANDARD\n  except:\n    - PACKAGE_DIRECTORY_MATCH\n"),
    );
    const [a, b] = [await generateStubs({ cwd: subset }), await generateStubs({ cwd: whole })];
    assert.deepEqual(
      a.packages.map((p) => p.npmName),
      ["@mesh/heartbeat-v1", "@mesh/probe-v1"],
    );
    assert.deepEqual(
      a.packages.map((p) => p.npmName),
      b.packages.map((p) => p.npmName),
    );
    const stubs = (repo: string) => readTree(path.join(repo, "packages/stubs"));
    const [treeA, treeB] = [await stubs(subset), await stubs(whole)];
    for (const t of [treeA, treeB]) for (const name of [...t.keys()]) if (name.startsWith(".protoship-stamp")) t.delete(name);
    assert.ok(treeA.size > 10);
    assert.deepEqual(treeA, treeB);
  });

  test("--only and a shard of an include compile only their packages' files (and imports): the same bytes as the full run", async () => {
    const [subset, whole] = [await moduleCopy(), await moduleCopy()];
    await generateStubs({ cwd: whole });
    // Outside every selection below, a file that does not compile: buf, given only the selection, never reads it.
    await mkdir(path.join(subset, "protos/mesh/broken/v1"), { recursive: true });
    await writeFile(path.join(subset, "protos/mesh/broken/v1/broken.proto"), 'syntax = "proto3";\npackage mesh.broken.v1;\nmessage {\n');
    const folder = (repo: string, name: string) => readTree(path.join(repo, "packages/stubs", name));
    // By npm name and by proto package; probe-v1 imports mesh.common.v1, a stub package of its own.
    const only = await generateStubs({ cwd: subset, only: ["@mesh/probe-v1", "mesh.heartbeat.v1"] });
    assert.deepEqual(
      only.packages.map((p) => [p.npmName, p.dependencies]),
      [
        ["@mesh/heartbeat-v1", ["@mesh/common-v1"]],
        ["@mesh/probe-v1", ["@mesh/common-v1"]],
      ],
    );
    for (const name of ["probe-v1", "heartbeat-v1"]) assert.deepEqual(await folder(subset, name), await folder(whole, name), name);
    assert.deepEqual(await readdir(path.join(subset, "packages/stubs")), ["heartbeat-v1", "probe-v1"]);
    // An unknown name is still reported against every package of the module (which now includes the broken one).
    await assert.rejects(generateStubs({ cwd: subset, only: ["mesh.nope.v1"] }), /does not compile/);
    // Shards of an include: together, the full run's packages byte for byte.
    const config = 'stubs:\n  scope: "@mesh"\n  include: ["mesh.**"]\n';
    await writeFile(
      path.join(subset, "protoship.yaml"),
      config.replace('"mesh.**"', '"mesh.common.*", "mesh.probe.*", "mesh.heartbeat.*", "mesh.notification.*"'),
    );
    const shards = [];
    for (const index of [1, 2])
      shards.push(...(await generateStubs({ cwd: subset, shard: { index, count: 2 } })).packages.map((p) => p.npmName));
    assert.deepEqual(shards.sort(), ["@mesh/common-v1", "@mesh/heartbeat-v1", "@mesh/notification-v1", "@mesh/probe-v1"]);
    for (const name of ["common-v1", "heartbeat-v1", "notification-v1", "probe-v1"])
      assert.deepEqual(await folder(subset, name), await folder(whole, name), `shard of ${name}`);
  });

  test("include in a git working tree: buf compiles the candidates in place, never an ignored file; a file that mentions package only in comments and strings is no candidate", async () => {
    const [subset, reference] = [await moduleCopy(), await moduleCopy()];
    const include = 'stubs:\n  scope: "@mesh"\n  include: ["mesh.probe.v1"]\n';
    for (const repo of [subset, reference]) await writeFile(path.join(repo, "protoship.yaml"), include);
    // It has the selection's words, and `package` in a comment and a string, but declares
    // mesh.other.v1: not a candidate, so buf never reads it (it does not compile).
    await mkdir(path.join(subset, "protos/mesh/other/v1"), { recursive: true });
    await writeFile(
      path.join(subset, "protos/mesh/other/v1/other.proto"),
      '// Not the package mesh.probe.v1.\nsyntax = "proto3";\npackage mesh.other.v1;\noption java_package = "not package mesh.probe.v1";\nmessage {\n',
    );
    const repo = await GitFixture.init(subset);
    await repo.git("add", "-A");
    await repo.git("commit", "-qm", "schema");
    const inWorktree = async () => generateStubsIn(await Project.open(subset), {});
    const a = await inWorktree();
    const b = await generateStubs({ cwd: reference }); // a folder: compiled from its archive
    assert.deepEqual(
      [a, b].map((r) => r.packages.map((p) => p.npmName)),
      [["@mesh/probe-v1"], ["@mesh/probe-v1"]],
    );
    const probe = (dir: string) => readTree(path.join(dir, "packages/stubs/probe-v1"));
    const [treeA, treeB] = [await probe(subset), await probe(reference)];
    assert.ok(treeA.size > 5);
    assert.deepEqual(treeA, treeB);
    // An ignored file is not part of the working tree, even for an import buf resolves in place:
    // the overlay hides it, so the selected file that imports it does not compile.
    await writeFile(path.join(subset, ".gitignore"), "extra.proto\n");
    await writeFile(
      path.join(subset, "protos/mesh/probe/v1/extra.proto"),
      'syntax = "proto3";\npackage mesh.probe.v1;\nmessage Extra {}\n',
    );
    await writeFile(
      path.join(subset, "protos/mesh/probe/v1/uses_extra.proto"),
      'syntax = "proto3";\npackage mesh.probe.v1;\nimport "mesh/probe/v1/extra.proto";\nmessage UsesExtra { Extra extra = 1; }\n',
    );
    await assert.rejects(inWorktree(), /does not compile: protos\/mesh\/probe\/v1\/uses_extra\.proto:3:/);
  });

  test("a selected package with a file outside its folder (googleapis' translate/ holds translation) is generated whole", async () => {
    const [subset, whole] = [await moduleCopy(), await moduleCopy()];
    for (const repo of [subset, whole]) {
      await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n  include: ["mesh.probe.*"]\n');
      await mkdir(path.join(repo, "protos/mesh/probing/v1"), { recursive: true });
      await writeFile(
        path.join(repo, "protos/mesh/probing/v1/extra.proto"),
        'syntax = "proto3";\npackage mesh.probe.v1;\nmessage ProbeExtra { string note = 1; }\n',
      );
    }
    // The reference: a workspace of two modules, which protoship compiles whole.
    await mkdir(path.join(whole, "other/zz/v1"), { recursive: true });
    await writeFile(path.join(whole, "other/zz/v1/zz.proto"), 'syntax = "proto3";\npackage zz.v1;\n');
    const bufYaml = await readFile(path.join(whole, "buf.yaml"), "utf8");
    assert.match(bufYaml, /^ {2}- path: protos$/m);
    await writeFile(path.join(whole, "buf.yaml"), bufYaml.replace(/^ {2}- path: protos$/m, "  - path: protos\n  - path: other"));
    const [a, b] = [await generateStubs({ cwd: subset }), await generateStubs({ cwd: whole })];
    assert.deepEqual(
      [a, b].map((r) => r.packages.map((p) => p.npmName)),
      [["@mesh/probe-v1"], ["@mesh/probe-v1"]],
    );
    const probe = (repo: string) => readTree(path.join(repo, "packages/stubs/probe-v1"));
    assert.ok((await probe(subset)).has("src/mesh/probing/v1/extra.ts"), "the file outside the package's folder is in its package");
    assert.deepEqual(await probe(subset), await probe(whole));
  });

  test("an RPC named like a grpc-js Client member (GetChannel, Close) still gives a client that type-checks", async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), "protoship-generate-"));
    temps.push(repo);
    await writeFile(path.join(repo, "buf.yaml"), "version: v2\n");
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n'); // acme.channel.v1 → @mesh/acme-channel-v1
    await mkdir(path.join(repo, "acme/channel/v1"), { recursive: true });
    await writeFile(
      path.join(repo, "acme/channel/v1/channel.proto"),
      'syntax = "proto3";\npackage acme.channel.v1;\nmessage Channel { string name = 1; int64 big = 2; }\nservice ChannelService {\n  rpc GetChannel(Channel) returns (Channel);\n  rpc Close(Channel) returns (stream Channel);\n}\n',
    );
    await generateStubs({ cwd: repo, outDir: "stubs" });
    const source = await readFile(path.join(repo, "stubs/acme-channel-v1/src/acme/channel/v1/channel.ts"), "utf8");
    assert.match(source, /export interface ChannelServiceClient extends Omit<Client, "close" \| "getChannel"> \{/);
    await typeCheck(path.join(repo, "stubs/acme-channel-v1"));
  });

  test("a .proto with nothing to export (options and comments only) still gives packages that type-check", async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), "protoship-generate-"));
    temps.push(repo);
    await writeFile(path.join(repo, "buf.yaml"), "version: v2\n");
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n');
    await mkdir(path.join(repo, "acme/common/v1"), { recursive: true });
    await mkdir(path.join(repo, "acme/notes/v1"), { recursive: true });
    // Like googleapis' google/cloud/common_resources.proto: with a comment on `syntax`, ts-proto
    // writes the file as comments alone (it adds `export {};` only to a file with no comment either).
    const commentsOnly = (pkg: string) =>
      `// Resource patterns for other tooling; nothing to generate.\nsyntax = "proto3";\npackage ${pkg};\noption java_multiple_files = true;\n`;
    await writeFile(path.join(repo, "acme/common/v1/resources.proto"), commentsOnly("acme.common.v1"));
    await writeFile(
      path.join(repo, "acme/common/v1/types.proto"),
      'syntax = "proto3";\npackage acme.common.v1;\nmessage Ref { string name = 1; }\n',
    );
    await writeFile(path.join(repo, "acme/notes/v1/notes.proto"), commentsOnly("acme.notes.v1"));
    await generateStubs({ cwd: repo, outDir: "stubs" });
    const common = path.join(repo, "stubs/acme-common-v1");
    assert.equal(
      await readFile(path.join(common, "src/index.ts"), "utf8"),
      '// Generated by protoship generate. DO NOT EDIT.\nexport * from "./acme/common/v1/types.js";\n',
    );
    assert.doesNotMatch(await readFile(path.join(common, "src/acme/common/v1/resources.ts"), "utf8"), /^(import|export)\b/m);
    await typeCheck(common);
    await typeCheck(path.join(repo, "stubs/acme-notes-v1"));
  });

  test("protoship.yaml: scope, names and exclude", async () => {
    const repo = await moduleCopy();
    await writeFile(
      path.join(repo, "protoship.yaml"),
      'stubs:\n  scope: "@acme"\n  names:\n    grpc.health.v1: "@acme/health"\n  exclude: [mesh.heartbeat.v1]\n',
    );
    const result = await generateStubs({ cwd: repo });
    assert.deepEqual(
      result.packages.map((p) => p.npmName),
      ["@acme/health", "@acme/mesh-common-v1", "@acme/mesh-notification-v1", "@acme/mesh-probe-v1"],
    );
    const probe = await readFile(path.join(repo, "packages/stubs/mesh-probe-v1/src/mesh/probe/v1/probe.ts"), "utf8");
    assert.match(probe, /from "@acme\/mesh-common-v1"/);
  });
});
