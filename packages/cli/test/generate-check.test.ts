import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";

/** Every file under `dir` with its bytes and mtime: "untouched" means all three are equal. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const out = new Map<string, string>();
  for (const e of entries
    .filter((x) => x.isFile())
    .sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)))) {
    const file = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, file), `${(await stat(file)).mtimeMs} ${await readFile(file, "utf8")}`);
  }
  return out;
}

/**
 * `protoship generate --check`: the committed stub packages against what generate would write, on
 * a real git repository (the bundled protos, stubs generated and committed), without writing.
 */
describe("protoship generate --check", { timeout: 240_000 }, () => {
  const temps = suiteTempDirs({ before, after });
  let repo: GitFixture;
  const stubs = (): string => path.join(repo.dir, "packages/stubs");

  before(async () => {
    repo = await GitFixture.init(temps.fresh());
    await repo.addBundledProtos();
    await repo.write(".gitignore", "node_modules/\ndist/\n.protoship-stamp.json\n");
    const gen = await protoship(repo.dir, ["generate"]);
    assert.equal(gen.code, 0, gen.stderr);
    await repo.commitAll("protos and their stubs");
  });

  test("fresh: exit 0, nothing written", async () => {
    const before = await snapshot(stubs());
    const r = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /5 stub packages up to date/);
    assert.deepEqual(await snapshot(stubs()), before);
    assert.equal(await repo.git("status", "--porcelain"), "");
  });

  test("a proto edited without regenerating: exit 1 naming the package and file; the output folder untouched", async () => {
    const probe = "protos/mesh/probe/v1/probe.proto";
    await repo.write(
      probe,
      (await repo.read(probe)).replace(
        "message ProbeRequest {",
        "message ProbeRequest {\n  // Give up after this long.\n  uint32 deadline_ms = 99;",
      ),
    );
    const before = await snapshot(stubs());
    const r = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /stale @mesh\/probe-v1 \(mesh\.probe\.v1\) in packages\/stubs\/probe-v1: changed src\/mesh\/probe\/v1\/probe\.ts/,
    );
    assert.doesNotMatch(r.stdout, /common-v1|heartbeat-v1/, "only the edited package is named");
    assert.match(r.stderr, /protoship: 1 of 5 stub packages differ from what protoship generate would write/);
    assert.match(r.stderr, /hint: run protoship generate and commit/);
    assert.deepEqual(await snapshot(stubs()), before, "the output folder is untouched (not even the stamp)");
    assert.equal(await repo.git("status", "--porcelain", "--untracked-files=all", "--", "packages"), "", "nothing written under packages/");
    await repo.git("checkout", "--", probe);
  });

  test("a hand-edited stub, a deleted one and a stray file are named; the stamp file is not compared", async () => {
    await repo.write("packages/stubs/common-v1/README.md", "edited by hand\n");
    await repo.remove("packages/stubs/heartbeat-v1/tsconfig.json");
    await repo.write("packages/stubs/heartbeat-v1/src/stray.ts", "export {};\n");
    await repo.write("packages/stubs/.protoship-stamp.json", "{}\n");
    const r = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stale @mesh\/common-v1 \(mesh\.common\.v1\) in packages\/stubs\/common-v1: changed README\.md/);
    assert.match(r.stdout, /stale @mesh\/heartbeat-v1 .*: missing tsconfig\.json; not generated src\/stray\.ts/);
    assert.match(r.stderr, /2 of 5 stub packages differ/);
    assert.equal(await repo.read("packages/stubs/.protoship-stamp.json"), "{}\n");
    await repo.git("checkout", "--", ".");
    await repo.git("clean", "-fdq", "--", "packages/stubs/heartbeat-v1");
  });

  test("a package whose protos are gone is named as one generate would remove", async () => {
    await repo.git("rm", "-rq", "protos/mesh/notification");
    const r = await protoship(repo.dir, ["generate", "--check"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stale packages\/stubs\/notification-v1: generate would remove it/);
    await repo.git("reset", "-q", "--hard");
  });

  test("--check with --force or --set-version, or an --out-dir outside the repository, is a usage error (exit 2)", async () => {
    const r = await protoship(repo.dir, ["generate", "--check", "--force"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--check/);
    const outside = await protoship(repo.dir, ["generate", "--check", "--out-dir", "../elsewhere"]);
    assert.equal(outside.code, 2, outside.stdout + outside.stderr);
    assert.match(outside.stderr, /--out-dir: "\.\.\/elsewhere" is outside the repository/);
  });

  test("in a subfolder (-C <repo>/sub) generate and generate --check work on the whole repository", async () => {
    await repo.write("sub/notes.txt", "a folder below the root\n");
    // An earlier test leaves a "{}" stamp (git-ignored, so not reset): a malformed cache is no cache.
    assert.equal(await readFile(path.join(stubs(), ".protoship-stamp.json"), "utf8"), "{}\n");
    const sub = path.join(repo.dir, "sub");
    const gen = await protoship(repo.dir, ["-C", sub, "generate"]);
    assert.equal(gen.code, 0, gen.stdout + gen.stderr);
    assert.match(gen.stdout, /(generated|unchanged) @mesh\/common-v1@\S+ \(mesh\.common\.v1\) in \.\.\/packages\/stubs\/common-v1/);
    const check = await protoship(repo.dir, ["-C", sub, "generate", "--check"]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /5 stub packages up to date/);
    await repo.remove("sub/notes.txt");
  });
});
