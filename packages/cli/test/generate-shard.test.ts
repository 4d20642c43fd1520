import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { GitFixture, protoship, REPO_ROOT, suiteTempDirs } from "@protoship/testkit";
import { generateStubs } from "../src/commands/generate.js";
import { toStubSources } from "../src/generate/stub-sources.js";
import { batchCount, generateSources } from "../src/generate/generate-sources.js";
import { partition } from "../src/generate/partition.js";
import { stubUnits } from "../src/generate/generate-stubs.js";
import { runTsProto } from "../src/generate/run-ts-proto.js";
import { tsProtoPlugin } from "../src/generate/ts-proto-package.js";
import { tsProtoOptions } from "../src/generate/ts-proto-options.js";
import { stubGenerator, type PluginRun } from "../src/generate/stub-generator.js";
import { unitWeights } from "../src/generate/unit-weight.js";
import { ProtoshipError } from "../src/errors.js";
import { Project } from "../src/project/project.js";

const execFileAsync = promisify(execFile);
const FIXTURE = path.join(REPO_ROOT, "packages/cli/test/fixtures/generate-shard");
const BUF = path.join(REPO_ROOT, "node_modules/.bin/buf");

/** The bundled module (protos/, buf.yaml) plus the fixture: packages importing each other, WKTs, an excluded package. */
async function writeCorpus(dir: string): Promise<void> {
  await cp(path.join(REPO_ROOT, "protos"), path.join(dir, "protos"), { recursive: true });
  await cp(path.join(REPO_ROOT, "buf.yaml"), path.join(dir, "buf.yaml"));
  await cp(FIXTURE, dir, { recursive: true });
}

/** Every file under `dir` (relative path → bytes); `skip` leaves names out. */
async function tree(dir: string, skip: (file: string) => boolean = () => false): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((f) => !skip(f))
    .sort();
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), "utf8")] as const)));
}

const isStamp = (file: string): boolean => /^\.protoship-stamp/.test(file);
const folders = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

/**
 * The generator before batching, kept as the oracle: ONE `buf generate` over the whole module with
 * ts-proto (strategy all), exactly the template protoship used to send, read back from disk.
 */
async function oneBufGenerate(dir: string, options: readonly string[]): Promise<Map<string, string>> {
  const out = await mkdtemp(path.join(os.tmpdir(), "protoship-oracle-"));
  try {
    const template = { version: "v2", plugins: [{ local: [process.execPath, tsProtoPlugin()], out, strategy: "all", opt: [...options] }] };
    await execFileAsync(BUF, ["generate", "--template", JSON.stringify(template)], { cwd: dir });
    const files = await tree(out);
    return new Map([...files].map(([f, text]) => [f.split(path.sep).join("/"), text]));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

describe("protoship generate: parallel batches and --shard", { timeout: 300_000 }, () => {
  const temps = suiteTempDirs({ before, after });

  test("batched plugin requests give byte-identical sources to one buf generate over the module", async () => {
    const dir = temps.fresh("oracle");
    await writeCorpus(dir);
    const project = await Project.ofFolder(dir);
    const { image, units } = await stubUnits(project);
    assert.deepEqual(
      units.map((u) => u.protoPackage),
      [
        "fixture.canvas.v1",
        "fixture.shapes.v1",
        "grpc.health.v1",
        "mesh.common.v1",
        "mesh.heartbeat.v1",
        "mesh.notification.v1",
        "mesh.probe.v1",
      ],
    );
    const options = tsProtoOptions(project.config.stubs.tsProtoOptions);
    const expected = toStubSources(await oneBufGenerate(dir, options), units, units);
    const weights = unitWeights(units, image.files);
    // One plugin process per package (2 at a time), then three batches one at a time (a small module is
    // one batch by default): every split must give the oracle's bytes.
    for (const [jobs, batches] of [
      [2, units.length],
      [1, 3],
    ] as const) {
      const plugin = stubGenerator(project.config.stubs);
      const actual = await generateSources({ files: image.files, units, todo: units, weights, plugin, jobs, batches });
      assert.equal(actual.length, expected.length);
      for (const [i, sources] of actual.entries()) {
        const want = expected[i]!;
        assert.equal(sources.unit.npmName, want.unit.npmName);
        assert.deepEqual(sources.dependencies, want.dependencies, `${sources.unit.npmName} dependencies (${batches} batches)`);
        assert.deepEqual([...sources.files.keys()], [...want.files.keys()], `${sources.unit.npmName} files (${batches} batches)`);
        for (const [file, text] of sources.files)
          assert.equal(text, want.files.get(file), `${sources.unit.npmName} ${file} (${batches} batches)`);
      }
    }
    // The corpus exercises what batching could get wrong: copies of WKTs and of an excluded package.
    const shapes = expected.find((s) => s.unit.protoPackage === "fixture.shapes.v1")!;
    assert.ok(shapes.files.has("fixture/internal/v1/internal.ts") && shapes.files.has("google/protobuf/struct.ts"));
    const canvas = expected.find((s) => s.unit.protoPackage === "fixture.canvas.v1")!;
    assert.deepEqual(canvas.dependencies, ["@mesh/fixture-shapes-v1", "@mesh/probe-v1"]);
  });

  test("a batch's files are formatted from when it returns, while the other batches still run", async () => {
    const dir = temps.fresh("pipeline");
    await writeCorpus(dir);
    const project = await Project.ofFolder(dir);
    const { image, units } = await stubUnits(project);
    const weights = unitWeights(units, image.files);
    const base = stubGenerator(project.config.stubs);
    const events: string[] = [];
    let release: () => void = () => {};
    const formattingStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    // The second batch to start returns only once the formatting of some batch's files began.
    const plugin: PluginRun = {
      ...base,
      async run(request, options) {
        const mine = started++;
        if (mine === 1) await formattingStarted;
        const tree = await base.run(request, options);
        events.push(`batch ${mine} returned`);
        return tree;
      },
      async finish(slots, jobs) {
        const formatter = await base.finish!(slots, jobs);
        return {
          add(tree) {
            events.push("formatting");
            release();
            formatter.add(tree);
          },
          done: () => formatter.done(),
        };
      },
    };
    const actual = await generateSources({ files: image.files, units, todo: units, weights, plugin, jobs: 2, batches: 2 });
    assert.deepEqual(events, ["batch 0 returned", "formatting", "batch 1 returned", "formatting"]);
    const plain = await generateSources({ files: image.files, units, todo: units, weights, plugin: base, jobs: 1, batches: 1 });
    assert.deepEqual(
      actual.map((s) => [...s.files]),
      plain.map((s) => [...s.files]),
    );
  });

  test("a file's code does not depend on the files one plugin process generated before it", async () => {
    // alpha defines a message named Metadata and a gRPC service: its import of grpc-js's Metadata is
    // renamed (Metadata as Metadata1). ts-proto shares that import object between files, so with
    // ts-proto's own plugin every later file of the process kept the rename; beta has no collision.
    const dir = temps.fresh("aliases");
    const files = {
      "buf.yaml": "version: v2\n",
      "protoship.yaml": 'stubs:\n  scope: "@t"\n',
      "alpha/v1/alpha.proto":
        'syntax = "proto3";\npackage alpha.v1;\nmessage Metadata { string key = 1; }\nservice AlphaService { rpc Get(Metadata) returns (Metadata); }\n',
      "beta/v1/beta.proto":
        'syntax = "proto3";\npackage beta.v1;\nmessage Ping { string id = 1; }\nservice BetaService { rpc Send(Ping) returns (Ping); }\n',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
    const project = await Project.ofFolder(dir);
    const { image, units } = await stubUnits(project);
    const plugin = stubGenerator(project.config.stubs);
    const weights = unitWeights(units, image.files);
    const run = (batches: number) => generateSources({ files: image.files, units, todo: units, weights, plugin, jobs: 1, batches });
    const [together, apart] = [await run(1), await run(2)];
    const code = (all: typeof together, pkg: string, file: string) => all.find((s) => s.unit.protoPackage === pkg)!.files.get(file)!;
    assert.match(code(together, "alpha.v1", "alpha/v1/alpha.ts"), /type Metadata as Metadata1/);
    assert.doesNotMatch(code(together, "beta.v1", "beta/v1/beta.ts"), /Metadata1/);
    assert.equal(code(together, "beta.v1", "beta/v1/beta.ts"), code(apart, "beta.v1", "beta/v1/beta.ts"));
    assert.equal(code(together, "alpha.v1", "alpha/v1/alpha.ts"), code(apart, "alpha.v1", "alpha/v1/alpha.ts"));
  });

  test("partition: largest first into the lightest bin, name order on ties, the same whatever the input order", () => {
    const items = [
      ["e", 1],
      ["a", 5],
      ["c", 3],
      ["b", 3],
      ["d", 2],
      ["f", 1],
    ] as const;
    const bins = partition(
      items,
      3,
      ([, w]) => w,
      ([n]) => n,
    ).map((bin) => bin.map(([n]) => n));
    assert.deepEqual(bins, [["a"], ["b", "d"], ["c", "e", "f"]]);
    assert.deepEqual(
      partition(
        [...items].reverse(),
        3,
        ([, w]) => w,
        ([n]) => n,
      ).map((bin) => bin.map(([n]) => n)),
      bins,
    );
    assert.deepEqual(
      partition(
        items.slice(0, 1),
        3,
        ([, w]) => w,
        ([n]) => n,
      ),
      [[items[0]], [], []],
      "empty shards last",
    );
    // A small module is one plugin process; a large one is split by jobs and by size.
    assert.equal(batchCount(5, 67_000, 2), 1);
    assert.equal(batchCount(394, 40 * 2 ** 20, 2), 20);
    assert.equal(batchCount(40, 3 * 2 ** 20, 2), 2);
    assert.equal(batchCount(40, 9 * 2 ** 20, 2), 5);
  });

  test("progress: one tick per package generated, then done; a no-op rerun starts none", async () => {
    const dir = temps.fresh("progress");
    await writeCorpus(dir);
    const events: string[] = [];
    const progress = (total: number) => {
      events.push(`start ${total}`);
      return { tick: (n = 1) => events.push(`tick ${n}`), done: () => events.push("done") };
    };
    await generateStubs({ cwd: dir, jobs: 2, progress });
    const ticks = events.filter((e) => e.startsWith("tick")).reduce((sum, e) => sum + Number(e.split(" ")[1]), 0);
    assert.deepEqual([events[0], events.at(-1), ticks], ["start 7", "done", 7]);
    events.length = 0;
    await generateStubs({ cwd: dir, jobs: 2, progress });
    assert.deepEqual(events, []);
  });

  test("a plugin failure is a one-line ProtoshipError (exit 1)", async () => {
    const error = await runTsProto(new Uint8Array([0x0a, 0xff]), { heapMb: 1024, what: "mesh.probe.v1" }).catch((e: unknown) => e);
    assert.ok(error instanceof ProtoshipError, String(error));
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /^ts-proto failed on mesh\.probe\.v1: /);
    assert.doesNotMatch(error.message, /\n/);
  });

  describe("--shard i/n in fresh clones of a real git repository", () => {
    let origin: GitFixture;
    const clone = async (name: string): Promise<GitFixture> => GitFixture.clone(origin.dir, temps.fresh(name));

    before(async () => {
      origin = await GitFixture.init(temps.fresh("origin"));
      await writeCorpus(origin.dir);
      await origin.write(".gitignore", "node_modules/\ndist/\n.protoship-stamp*.json\n");
      await origin.commitAll("protos");
    });

    test("1/2 and 2/2 are disjoint, their union is the unsharded output byte for byte; --list-shards names them", async () => {
      const [one, two, all] = [await clone("shard1"), await clone("shard2"), await clone("all")];
      const r1 = await protoship(one.dir, ["generate", "--shard", "1/2", "--jobs", "2"]);
      const r2 = await protoship(two.dir, ["generate", "--shard", "2/2"]);
      const rAll = await protoship(all.dir, ["generate"]);
      for (const r of [r1, r2, rAll]) assert.equal(r.code, 0, r.stdout + r.stderr);
      const stubs = (repo: GitFixture): string => path.join(repo.dir, "packages/stubs");
      const [f1, f2] = [await folders(stubs(one)), await folders(stubs(two))];
      assert.ok(f1.length > 0 && f2.length > 0, `${f1} | ${f2}`);
      assert.deepEqual(
        f1.filter((f) => f2.includes(f)),
        [],
        "disjoint",
      );
      assert.deepEqual([...f1, ...f2].sort(), await folders(stubs(all)));
      const union = new Map([...(await tree(stubs(one), isStamp)), ...(await tree(stubs(two), isStamp))]);
      const full = await tree(stubs(all), isStamp);
      assert.deepEqual([...union.keys()].sort(), [...full.keys()]);
      for (const [file, text] of full) assert.equal(union.get(file), text, file);
      // A shard keeps its own stamp, never the full run's.
      assert.deepEqual((await readdir(stubs(one))).filter(isStamp), [".protoship-stamp.shard-1-of-2.json"]);

      const listed = await protoship(one.dir, ["generate", "--list-shards", "2"]);
      assert.equal(listed.code, 0, listed.stderr);
      const partition = JSON.parse(listed.stdout) as { count: number; shards: { shard: string; packages: string[] }[] };
      assert.deepEqual(
        partition.shards.map((s) => s.shard),
        ["1/2", "2/2"],
      );
      const folderOf = (npm: string): string => npm.split("/").pop()!;
      assert.deepEqual(partition.shards[0]!.packages.map(folderOf).sort(), f1);
      assert.deepEqual(partition.shards[1]!.packages.map(folderOf).sort(), f2);
    });

    test("a shard leaves the other shards' packages and the full stamp alone; its rerun runs no buf", async () => {
      const repo = await clone("keep");
      assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
      const stubs = path.join(repo.dir, "packages/stubs");
      const snapshot = async (): Promise<Map<string, string>> => {
        const files = await tree(stubs, isStamp);
        return new Map(
          await Promise.all([...files].map(async ([f, text]) => [f, `${(await stat(path.join(stubs, f))).mtimeMs} ${text}`] as const)),
        );
      };
      const fullStamp = await readFile(path.join(stubs, ".protoship-stamp.json"), "utf8");
      const listed = JSON.parse((await protoship(repo.dir, ["generate", "--list-shards", "2"])).stdout) as {
        shards: { packages: string[]; protoPackages: string[] }[];
      };
      // A package of shard 2 changes: shard 1 must neither regenerate nor prune it.
      const changedDir = path.join("protos", ...listed.shards[1]!.protoPackages[0]!.split("."));
      const proto = path.join(changedDir, (await readdir(path.join(repo.dir, changedDir))).find((f) => f.endsWith(".proto"))!);
      await repo.write(proto, `${await repo.read(proto)}\nmessage AddedByTheTest {\n  string note = 1;\n}\n`);
      const before = await snapshot();
      const r = await protoship(repo.dir, ["generate", "--shard", "1/2"]);
      assert.equal(r.code, 0, r.stderr);
      const printed = r.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[1]!.replace(/@[^@]*$/, ""));
      assert.deepEqual(printed.sort(), [...listed.shards[0]!.packages].sort());
      assert.deepEqual(await snapshot(), before, "no package folder was touched");
      assert.equal(await readFile(path.join(stubs, ".protoship-stamp.json"), "utf8"), fullStamp, "the full stamp is not the shard's");
      const full = await protoship(repo.dir, ["generate", "--check"]);
      assert.equal(full.code, 1, "shard 2's package is still stale: shard 1 did not do its work");

      // Nothing changed since this shard's run: no buf at all (a buf that cannot run would fail it).
      const again = await protoship(repo.dir, ["generate", "--shard", "1/2"], undefined, { PROTOSHIP_BUF: "/nonexistent/buf" });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^unchanged /);
      const noBuf = await protoship(repo.dir, ["generate", "--shard", "2/2"], undefined, { PROTOSHIP_BUF: "/nonexistent/buf" });
      assert.equal(noBuf.code, 2, "shard 2 has no stamp of its own yet, so it needs buf");
    });

    test("--list-shards caches the compiled image: the --shard after it compiles nothing, a proto edit compiles again", async () => {
      const repo = await clone("image-cache");
      // A buf that logs its subcommand and runs the real one: the same path in every call (one cache key).
      const log = path.join(repo.dir, "..", "image-cache-buf.log");
      const wrapper = path.join(repo.dir, "..", "image-cache-buf.sh");
      await writeFile(wrapper, `#!/bin/sh\necho "$1" >> '${log}'\nexec '${BUF}' "$@"\n`, { mode: 0o755 });
      const env = { PROTOSHIP_BUF: wrapper };
      const builds = async (): Promise<number> =>
        (await readFile(log, "utf8").catch(() => "")).split("\n").filter((l) => l === "build").length;
      const cacheDir = path.join(repo.dir, "node_modules/.cache/protoship");
      const cached = async (): Promise<string[]> => (await readdir(cacheDir).catch(() => [])).filter((f) => f.startsWith("image-"));

      const listed = await protoship(repo.dir, ["generate", "--list-shards", "2"], undefined, env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(await builds(), 1);
      assert.equal((await cached()).length, 1);
      for (const shard of ["1/2", "2/2"]) {
        const r = await protoship(repo.dir, ["generate", "--shard", shard], undefined, env);
        assert.equal(r.code, 0, r.stderr);
      }
      assert.equal(await builds(), 1, "both shards read the cached image");
      // What they wrote from it is what a fresh compile gives (--check without the cache compiles).
      await rm(cacheDir, { recursive: true });
      const check = await protoship(repo.dir, ["generate", "--check"], undefined, env);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.equal(await builds(), 2);
      assert.deepEqual(await cached(), [], "generate --check writes nothing, not even the cache");

      assert.equal((await protoship(repo.dir, ["generate", "--list-shards", "2"], undefined, env)).code, 0);
      const before = await cached();
      const proto = "protos/mesh/probe/v1/probe.proto";
      await repo.write(proto, `${await repo.read(proto)}\nmessage AddedByTheTest {\n  string note = 1;\n}\n`);
      const after = await protoship(repo.dir, ["generate", "--shard", "1/2"], undefined, env);
      assert.equal(after.code, 0, after.stderr);
      assert.equal(await builds(), 4, "an edited proto is a new key: compiled again");
      const now = await cached();
      assert.equal(now.length, 1, "the old image is removed");
      assert.notDeepEqual(now, before);
    });

    test("--check --shard i/n checks that share of the committed packages; shard 1 also names folders generate would remove", async () => {
      const repo = await clone("check-shard");
      assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
      await repo.commitAll("stubs");
      const listed = JSON.parse((await protoship(repo.dir, ["generate", "--list-shards", "2"])).stdout) as {
        shards: { packages: string[]; protoPackages: string[] }[];
      };
      for (const shard of ["1/2", "2/2"]) {
        const r = await protoship(repo.dir, ["generate", "--check", "--shard", shard]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /stub packages? up to date/);
      }
      // A package of shard 2 goes stale: only shard 2's check says so.
      const stalePackage = listed.shards[1]!.protoPackages[0]!;
      const dir = path.join("protos", ...stalePackage.split("."));
      const proto = path.join(dir, (await readdir(path.join(repo.dir, dir))).find((f) => f.endsWith(".proto"))!);
      await repo.write(proto, `${await repo.read(proto)}\nmessage AddedByTheTest {\n  string note = 1;\n}\n`);
      assert.equal((await protoship(repo.dir, ["generate", "--check", "--shard", "1/2"])).code, 0);
      const two = await protoship(repo.dir, ["generate", "--check", "--shard", "2/2"]);
      assert.equal(two.code, 1, two.stdout + two.stderr);
      assert.match(two.stdout, new RegExp(`^stale ${listed.shards[1]!.packages[0]!} \\(${stalePackage.replaceAll(".", "\\.")}\\)`, "m"));
      // A folder whose package is gone: shard 1 names it, shard 2 does not repeat it.
      await cp(path.join(repo.dir, "packages/stubs/probe-v1"), path.join(repo.dir, "packages/stubs/gone-v1"), { recursive: true });
      const one = await protoship(repo.dir, ["generate", "--check", "--shard", "1/2"]);
      assert.equal(one.code, 1);
      assert.match(one.stdout, /^stale packages\/stubs\/gone-v1: generate would remove it$/m);
      assert.doesNotMatch((await protoship(repo.dir, ["generate", "--check", "--shard", "2/2"])).stdout, /gone-v1/);
    });

    test("bad --shard, --jobs and --list-shards values exit 2 with a one-line cause", async () => {
      const repo = await clone("usage");
      const cases: [string[], RegExp][] = [
        [["--shard", "3/2"], /^protoship: --shard "3\/2": expected i\/n/],
        [["--shard", "0/2"], /^protoship: --shard "0\/2"/],
        [["--shard", "1/0"], /^protoship: --shard "1\/0"/],
        [["--shard", "1.5/2"], /^protoship: --shard "1\.5\/2"/],
        [["--shard", "two"], /^protoship: --shard "two"/],
        [["--jobs", "0"], /^protoship: --jobs "0": expected a positive integer/],
        [["--jobs", "-1"], /^protoship: --jobs "-1"/],
        [["--jobs", "2.5"], /^protoship: --jobs "2\.5"/],
        [["--list-shards", "0"], /^protoship: --list-shards "0"/],
        [["--shard", "1/2", "--only", "mesh.probe.v1"], /^protoship: --shard is a share of every package/],
      ];
      for (const [args, message] of cases) {
        const r = await protoship(repo.dir, ["generate", ...args]);
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, message, args.join(" "));
        assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("protoship:")).length, 1);
      }
      assert.equal(await folders(repo.dir).then((f) => f.includes("packages")), false, "nothing was written");
    });
  });
});
