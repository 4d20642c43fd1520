import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { protoship, run } from "@protoship/testkit";
import { repositoryUrl } from "../src/config/repository-url.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const temps: string[] = [];

/** A git repository holding a copy of this repository's bundled module (scope @mesh), with `origin` set to `remote`. */
async function moduleRepo(remote?: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-generate-disk-"));
  temps.push(dir);
  await cp(path.join(ROOT, "protos"), path.join(dir, "protos"), { recursive: true });
  for (const file of ["buf.yaml", "protoship.yaml"]) await cp(path.join(ROOT, file), path.join(dir, file));
  for (const args of [["init", "-q", "-b", "main"], ...(remote ? [["remote", "add", "origin", remote]] : [])]) {
    const r = await run("git", args, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  }
  return dir;
}

const manifest = async (dir: string): Promise<{ repository?: { url: string } }> =>
  JSON.parse(await readFile(path.join(dir, "packages/stubs/common-v1/package.json"), "utf8"));

describe("stub packages' repository field", () => {
  test("a remote's URL becomes npm's repository URL without credentials; local paths name none", () => {
    const cases: [string, string | undefined][] = [
      ["https://x-access-token:ghs_secret@github.com/Acme/apis.git", "git+https://github.com/Acme/apis.git"],
      ["https://github.com/acme/apis", "git+https://github.com/acme/apis.git"],
      ["git@github.com:acme/apis.git", "git+https://github.com/acme/apis.git"],
      ["ssh://git@github.com/acme/apis.git", "git+https://github.com/acme/apis.git"],
      ["https://oauth2:glpat-secret@gitlab.com/group/sub/apis.git", "git+https://gitlab.com/group/sub/apis.git"],
      ["https://user:pass@git.acme.example:8443/apis.git", "git+https://git.acme.example:8443/apis.git"],
      ["ssh://deploy:pw@git.acme.example/srv/apis.git", "git+ssh://deploy@git.acme.example/srv/apis.git"],
      ["/srv/git/apis.git", undefined],
      ["../apis.git", undefined],
      ["file:///srv/git/apis.git", undefined],
      ["https://github.com/acme/apis\nevil", undefined],
      ["", undefined],
    ];
    for (const [remote, expected] of cases) assert.equal(repositoryUrl(remote), expected, remote);
  });

  describe("generate", { timeout: 900_000 }, () => {
    after(async () => {
      for (const dir of temps) await rm(dir, { recursive: true, force: true });
    });

    test("names the origin's repository (no token) and the package's folder; protoship.yaml's stubs.repository wins", async () => {
      const repo = await moduleRepo("https://x-access-token:ghs_secret123@github.com/acme/apis.git");
      const r = await protoship(repo, ["generate"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((await manifest(repo)).repository, {
        type: "git",
        url: "git+https://github.com/acme/apis.git",
        directory: "packages/stubs/common-v1",
      });
      const all = await run("grep", ["-r", "-l", "ghs_secret123", "packages"], { cwd: repo });
      assert.equal(all.stdout, "", "the token is written nowhere");
      assert.doesNotMatch(r.stdout + r.stderr, /ghs_secret123/);

      await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@mesh"\n  repository: https://github.com/acme/public-apis\n');
      assert.equal((await protoship(repo, ["generate"])).code, 0);
      assert.equal((await manifest(repo)).repository?.url, "git+https://github.com/acme/public-apis.git");
    });

    test("a repository whose remote is a local path: no repository field", async () => {
      const repo = await moduleRepo("/srv/git/apis.git");
      assert.equal((await protoship(repo, ["generate"])).code, 0);
      assert.equal((await manifest(repo)).repository, undefined);
    });

    test("a hand edit (or a deleted file) is regenerated although the stamp says nothing changed; dist/ survives", async () => {
      const repo = await moduleRepo();
      assert.equal((await protoship(repo, ["generate"])).code, 0);
      const pkg = path.join(repo, "packages/stubs/common-v1");
      const file = path.join(pkg, "src/mesh/common/v1/target.ts");
      const generated = await readFile(file, "utf8");
      await mkdir(path.join(pkg, "dist/esm"), { recursive: true });
      await writeFile(path.join(pkg, "dist/esm/index.js"), "export {};\n");

      await writeFile(file, `${generated}// edited by hand\n`);
      const stale = await protoship(repo, ["generate", "--check"]);
      assert.equal(stale.code, 1, stale.stdout + stale.stderr);
      const again = await protoship(repo, ["generate"]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^generated @mesh\/common-v1@/m);
      assert.match(again.stdout, /^unchanged @mesh\/probe-v1@/m);
      assert.equal(await readFile(file, "utf8"), generated);
      assert.equal(await readFile(path.join(pkg, "dist/esm/index.js"), "utf8"), "export {};\n", "dist/ is kept");
      assert.equal((await protoship(repo, ["generate", "--check"])).code, 0);

      await rm(file);
      assert.match((await protoship(repo, ["generate"])).stdout, /^generated @mesh\/common-v1@/m);
      assert.equal(await readFile(file, "utf8"), generated);
      // Nothing changed since: the rerun writes nothing.
      assert.doesNotMatch((await protoship(repo, ["generate"])).stdout, /^generated/m);
    });
  });
});
