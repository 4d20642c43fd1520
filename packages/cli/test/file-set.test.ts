import assert from "node:assert/strict";
import { readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { protoFilesOf, SideTree } from "../src/snapshot/file-set.ts";
import { BUF_YAML, findingsOf } from "./fixtures.ts";

/**
 * Every command sees the same .proto files on a side: git's rules (ignored files never, symlinks
 * as git stores them) and buf's (module roots, dot-folders, symlinked folders). Real git, real buf,
 * through the CLI.
 */
const BAZ_V1 = `syntax = "proto3";

package acme.baz.v1;

// A baz.
message Baz {
  // The id.
  string id = 1;
  // The name.
  string name = 2;
}
`;
const BAZ_FIELD_GONE = BAZ_V1.replace("  // The name.\n  string name = 2;\n", "");
const proto = (pkg: string, comment: string): string =>
  `syntax = "proto3";\n\npackage ${pkg};\n\n// ${comment}\nmessage Thing {\n  // The id.\n  string id = 1;\n}\n`;

/** Module root `proto`; `proto/acme/baz -> ../../shared/acme/baz` committed (and a linked single file). */
async function linkedRepo(dir: string): Promise<GitFixture> {
  const repo = await GitFixture.init(dir);
  await repo.write("package.json", `${JSON.stringify({ name: "@acme/apis", private: true }, null, 2)}\n`);
  await repo.write("buf.yaml", BUF_YAML);
  await repo.write(".gitignore", "node_modules/\n");
  await repo.write("proto/acme/core/v1/core.proto", proto("acme.core.v1", "The core."));
  await repo.write("shared/acme/baz/v1/baz.proto", BAZ_V1);
  await repo.write("shared/single/one.proto", BAZ_V1.replaceAll("acme.baz.v1", "acme.one.v1"));
  await symlink("../../shared/acme/baz", path.join(dir, "proto/acme/baz"));
  await repo.write("proto/acme/one/v1/.keep", "");
  await symlink("../../../../shared/single/one.proto", path.join(dir, "proto/acme/one/v1/one.proto"));
  await repo.commitAll("linked module");
  return repo;
}

async function allText(dir: string): Promise<string> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.push(await readFile(path.join(entry.parentPath, entry.name), "utf8"));
  }
  return out.join("\n");
}

describe("one file set for every command", { timeout: 300_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("resolves symlinks as git stores them, on data", () => {
    const tree = new SideTree([
      { path: "proto/a/v1/a.proto", id: "1" },
      { path: "proto/.hidden/v1/h.proto", id: "2" },
      { path: "proto/b", link: "../shared/b" },
      { path: "shared/b/v1/b.proto", id: "3" },
      { path: "proto/out", link: "../../outside" },
      { path: "proto/abs", link: "/etc" },
      { path: "proto/loop", link: "." },
      { path: "proto/one.proto", link: "../shared/b/v1/b.proto" },
    ]);
    const ws = {
      configFile: "buf.yaml",
      dir: "",
      configFiles: ["buf.yaml"],
      modules: [{ root: "proto", excludes: [], breaking: {}, lint: {} }],
    };
    assert.deepEqual(
      protoFilesOf(tree, ws).map((f) => [f.path, f.source, f.id]),
      [
        ["proto/.hidden/v1/h.proto", "proto/.hidden/v1/h.proto", "2"],
        ["proto/a/v1/a.proto", "proto/a/v1/a.proto", "1"],
        ["proto/b/v1/b.proto", "shared/b/v1/b.proto", "3"],
        ["proto/one.proto", "shared/b/v1/b.proto", "3"],
      ],
    );
  });

  it("lists a side without symlinks as the walk does, modules, excludes and dot-folders included (on data)", () => {
    const entries = [
      { path: "a/v1/a.proto", id: "1" },
      { path: "a/.hidden/h.proto", id: "2" },
      { path: "a/vendor/x/v.proto", id: "3" },
      { path: "a.b/c.proto", id: "4" },
      { path: "a/v1/readme.md", id: "5" },
      { path: "b/b.proto" },
      { path: "top.proto", id: "6" },
      { path: "a-b/d.proto", id: "7" },
    ];
    const ws = {
      configFile: "buf.yaml",
      dir: "",
      configFiles: ["buf.yaml"],
      modules: [
        { root: "a", excludes: ["a/vendor"], breaking: {}, lint: {} },
        { root: "", excludes: ["b"], breaking: {}, lint: {} },
        { root: "missing", excludes: [], breaking: {}, lint: {} },
      ],
    };
    const listed = (tree: SideTree) => protoFilesOf(tree, ws).map((f) => [f.path, f.source, f.id]);
    const expected = [
      ["a-b/d.proto", "a-b/d.proto", "7"],
      ["a.b/c.proto", "a.b/c.proto", "4"],
      ["a/.hidden/h.proto", "a/.hidden/h.proto", "2"],
      ["a/v1/a.proto", "a/v1/a.proto", "1"],
      ["a/vendor/x/v.proto", "a/vendor/x/v.proto", "3"],
      ["top.proto", "top.proto", "6"],
    ];
    assert.deepEqual(listed(new SideTree(entries)), expected);
    // One symlink leading nowhere makes the side a linked one, listed by walking its folders.
    assert.deepEqual(listed(new SideTree([...entries, { path: "zz", link: "/elsewhere" }])), expected);
  });

  it("check: a field removed behind a symlinked folder or file is found by pre-push and --against", async () => {
    const bare = fresh("remote");
    await GitFixture.init(bare, { bare: true });
    const repo = await linkedRepo(fresh());
    await repo.git("remote", "add", "origin", bare);
    await repo.git("push", "-q", "origin", "main");
    const before = await repo.git("rev-parse", "HEAD");
    await repo.write("shared/acme/baz/v1/baz.proto", BAZ_FIELD_GONE);
    await repo.write("shared/single/one.proto", BAZ_FIELD_GONE.replaceAll("acme.baz.v1", "acme.one.v1"));
    const sha = await repo.commitAll("remove a field in the shared folder");
    const expected = [
      ["proto/acme/baz/v1/baz.proto", "FIELD_NO_DELETE"],
      ["proto/acme/one/v1/one.proto", "FIELD_NO_DELETE"],
    ];
    const push = await protoship(
      repo.dir,
      ["check", "--pre-push", "--remote", "origin", "--format", "json"],
      `refs/heads/main ${sha} refs/heads/main ${before}\n`,
    );
    assert.equal(push.code, 1, push.stdout + push.stderr);
    assert.deepEqual(
      findingsOf(push.stdout).map((f) => [f.file, f.rule]),
      expected,
    );
    const against = await protoship(repo.dir, ["check", "--against", "HEAD~1", "--format", "json"]);
    assert.equal(against.code, 1, against.stdout + against.stderr);
    assert.deepEqual(
      findingsOf(against.stdout).map((f) => [f.file, f.rule]),
      expected,
    );
  });

  it("release plan lists the package reached through a symlink", async () => {
    const repo = await linkedRepo(fresh());
    const r = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as { packages: { protoPackage: string }[] }).packages.map((p) => p.protoPackage).sort();
    assert.deepEqual(names, ["acme.baz.v1", "acme.core.v1", "acme.one.v1"]);
    // A field removed behind the symlink after a release is a breaking change of that package.
    await repo.git("tag", "-a", "-m", "@acme/acme-baz-v1 1.0.0", "@acme/acme-baz-v1@1.0.0");
    await repo.write("shared/acme/baz/v1/baz.proto", BAZ_FIELD_GONE);
    await repo.commitAll("remove a field behind the link");
    const next = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(next.code, 0, next.stderr);
    const baz = (JSON.parse(next.stdout) as { packages: { protoPackage: string; bump: string }[] }).packages.find(
      (p) => p.protoPackage === "acme.baz.v1",
    );
    assert.equal(baz?.bump, "major", next.stdout);
  });

  it("generate: an edit in a dot-folder or behind a symlinked folder is a change (stamp and --check)", async () => {
    const repo = await linkedRepo(fresh());
    await repo.write("proto/.hidden/v1/h.proto", proto("hidden.v1", "Hidden."));
    await repo.write(".gitignore", "node_modules/\n.protoship-stamp.json\n");
    const first = await protoship(repo.dir, ["generate"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /\(hidden\.v1\)/);
    await repo.commitAll("stubs");
    for (const [file, pkg, text] of [
      ["proto/.hidden/v1/h.proto", "hidden\\.v1", proto("hidden.v1", "Hidden, edited.")],
      ["shared/acme/baz/v1/baz.proto", "acme\\.baz\\.v1", BAZ_V1.replace("// A baz.", "// A baz, edited.")],
    ] as const) {
      await repo.write(file, text);
      const stale = await protoship(repo.dir, ["generate", "--check"]);
      assert.notEqual(stale.code, 0, `${file}: ${stale.stdout}${stale.stderr}`);
      const again = await protoship(repo.dir, ["generate"]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`generated \\S+ \\(${pkg}\\)`), file);
      await repo.commitAll(`edit ${file}`);
    }
  });

  for (const how of [".gitignore", ".git/info/exclude", "core.excludesFile"] as const) {
    it(`an ignored folder (${how}) reaches neither docs nor generate`, async () => {
      const repo = await linkedRepo(fresh());
      if (how === ".gitignore") await repo.write(".gitignore", "node_modules/\nproto/acme/secret/\n");
      if (how === ".git/info/exclude") await writeFile(path.join(repo.dir, ".git/info/exclude"), "proto/acme/secret/\n");
      if (how === "core.excludesFile") {
        const excludes = path.join(fresh("excludes"));
        await writeFile(excludes, "proto/acme/secret/\n");
        await repo.git("config", "core.excludesFile", excludes);
      }
      await repo.write("proto/acme/secret/v1/secret.proto", proto("acme.secret.v1", "TOPSECRET internal plan."));
      const gen = await protoship(repo.dir, ["generate"]);
      assert.equal(gen.code, 0, gen.stderr);
      assert.doesNotMatch(gen.stdout, /secret/);
      assert.match(gen.stdout, /\(acme\.baz\.v1\)/);
      const docs = await protoship(repo.dir, ["docs", "-o", "site", "--no-versions"]);
      assert.equal(docs.code, 0, docs.stderr);
      const site = await allText(path.join(repo.dir, "site"));
      assert.match(site, /acme\.baz\.v1/);
      assert.doesNotMatch(site, /TOPSECRET|acme\.secret/);
    });
  }

  it("check: the base of an adoption (no buf.yaml there) never sees ignored node_modules", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write(".gitignore", "node_modules/\n");
    await repo.write("proto/acme/ping/v1/ping.proto", proto("acme.ping.v1", "A ping."));
    await repo.commitAll("protos, no buf.yaml");
    await repo.git("checkout", "-q", "-b", "adopt");
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.commitAll("adopt buf");
    await repo.write("node_modules/pkg/proto/dup.proto", proto("acme.ping.v1", "A copy."));
    const r = await protoship(repo.dir, ["check", "--against", "main", "--skip", "lint,format"]);
    assert.doesNotMatch(r.stdout + r.stderr, /node_modules|does not compile|FILE_NO_DELETE/);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
