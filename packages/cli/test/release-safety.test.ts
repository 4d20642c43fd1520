import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, PROTOSHIP_BIN, protoship, run, tempDir } from "@protoship/testkit";
import { parseConfigText } from "../src/config/load-config.ts";
import { formatTag, parseTag } from "../src/release/tags.ts";
import { GitRepo } from "../src/git/git.ts";
import { releaseHistory } from "../src/release/history.ts";
import { BILLING, BILLING_V1, ORDER, ORDER_V1, protoRepo, releaseSetup, tagsOf, writeProtos } from "./release-helpers.ts";

const O = "@shop/order-v1";
const B = "@shop/billing-v1";
const ORDER_ADD = ORDER_V1.replace(
  "  repeated Line lines = 4;\n",
  "  repeated Line lines = 4;\n  // When it must arrive.\n  string deadline = 5;\n",
);
/** A .proto in the order package that is git-ignored: it must never reach a plan, a tag or a package. */
const SECRET = `syntax = "proto3";\n\npackage shop.order.v1;\n\n// Internal only.\nmessage InternalSecret {\n  // Do not ship.\n  string key = 1;\n}\n`;

/** Tag name → the tag object id (not peeled): what `git fetch --tags` compares. */
async function tagObjects(repo: GitFixture): Promise<Record<string, string>> {
  const out = await repo.git("for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/tags/");
  return Object.fromEntries(
    out
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ") as [string, string]),
  );
}

describe("release safety (issue 10)", { timeout: 300_000 }, () => {
  let tmp: { dir: string; dispose: () => Promise<void> };
  let n = 0;
  const fresh = (): string => path.join(tmp.dir, `s${++n}`);
  before(async () => {
    tmp = await tempDir("protoship-release-safety-");
  });
  after(async () => {
    await tmp.dispose();
  });

  it("release plan and tag read the schema and protoship.yaml at HEAD from git objects: ignored and untracked files never count", async () => {
    const { repo } = await releaseSetup(fresh());
    await repo.write(".gitignore", "internal_secret.proto\n");
    await repo.commitAll("ignore internal protos");
    await repo.git("push", "-q", "origin", "main");
    await repo.write("proto/shop/order/v1/internal_secret.proto", SECRET);
    const plan = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.doesNotMatch(plan.stdout, /internal_secret|InternalSecret/);
    // An ignored protoship.yaml edit does not rename the packages either (release tag refuses untracked files).
    const r = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const annotation = await repo.git("tag", "-l", "--format=%(contents)", `${O}@1.0.0`);
    assert.match(annotation, /added file `shop\/order\/v1\/order\.proto`/);
    assert.doesNotMatch(annotation, /internal_secret/);

    // An uncommitted protoship.yaml does not change what the plan reads: HEAD's config names the packages.
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@evil"\n');
    const after = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(after.code, 0, after.stderr);
    const names = (JSON.parse(after.stdout) as { packages: { name: string }[] }).packages.map((p) => p.name);
    assert.deepEqual(names, [O]);
  });

  it('tagFormat "v{version}-{name}" round-trips: the next release reads the first one back', async () => {
    const dir = fresh();
    const remote = await GitFixture.init(`${dir}/remote.git`, { bare: true });
    const repo = await protoRepo(`${dir}/work`, { [ORDER]: ORDER_V1 });
    // An unscoped npm name with dashes: the case a greedy version pattern mis-split.
    await repo.write(
      "protoship.yaml",
      'stubs:\n  scope: "@shop"\n  names:\n    shop.order.v1: order-api-v1\nrelease:\n  tagFormat: "v{version}-{name}"\n',
    );
    await repo.commitAll("tag format");
    await repo.git("remote", "add", "origin", remote.dir);
    await repo.git("push", "-q", "-u", "origin", "main");
    const first = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(Object.keys(await tagsOf(remote)), ["v1.0.0-order-api-v1"]);
    const next = await writeProtos(repo, { [ORDER]: ORDER_ADD }, "deadline");
    await repo.git("push", "-q", "origin", "main");
    const plan = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(plan.code, 0, plan.stderr);
    const p = (JSON.parse(plan.stdout) as { packages: { name: string; current: string | null; next: string | null }[] }).packages[0]!;
    assert.deepEqual([p.name, p.current, p.next], ["order-api-v1", "1.0.0", "1.1.0"]);
    const second = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal((await tagsOf(remote))["v1.1.0-order-api-v1"], next);
  });

  it("a tagFormat that cannot be read back is a configuration error with protoship.yaml:line:col", async () => {
    for (const [format, why] of [
      ["{name}{version}", /cannot be read back/],
      ["{version}{name}", /cannot be read back/],
      ["{name}@{version}@{name}", /exactly once/],
      ["release-{version}", /exactly once/],
      ["{name} {version}", /not a valid git tag name/],
    ] as const) {
      await assert.rejects(parseConfigText(`release:\n  branch: main\n  tagFormat: "${format}"\n`, "protoship.yaml"), (e: Error) => {
        assert.match(e.message, /^protoship\.yaml:3:3: release\.tagFormat: /, e.message);
        assert.match(e.message, why, e.message);
        return true;
      });
    }
    const repo = await protoRepo(fresh(), { [ORDER]: ORDER_V1 });
    await repo.write("protoship.yaml", 'release:\n  tagFormat: "{name}{version}"\n');
    await repo.commitAll("bad format");
    const r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /protoship\.yaml:2:3: release\.tagFormat: /);
  });

  it("names are substituted literally: $` $& $' stay as they are, and parse back", () => {
    for (const name of ["@x/a$`b", "@x/a$&b", "a$'b-c", "@s/pkg-v1", "pkg-1.2.3"]) {
      for (const format of ["{name}@{version}", "v{version}-{name}", "{name}/{version}"]) {
        const tag = formatTag(format, name, "1.2.3");
        assert.equal(tag, format.replace("{name}", () => name).replace("{version}", "1.2.3"));
        assert.ok(tag.includes(name), tag);
        assert.deepEqual(parseTag(format, tag), { name, version: "1.2.3" });
      }
    }
  });

  it("a tag annotation holding the old record separator forges nothing in the docs' version list or changelog", async () => {
    const repo = await protoRepo(fresh(), { [ORDER]: ORDER_V1 });
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@shop"\ndocs:\n  outDir: site\n');
    await repo.commitAll("docs");
    assert.equal((await protoship(repo.dir, ["release", "tag", "--no-push"])).code, 0);
    // Someone tags by hand with an annotation that ends in a fake record (git keeps it verbatim).
    await writeProtos(repo, { [ORDER]: ORDER_V1.replace("// An order.", "// An order!") }, "docs");
    const tagged = await repo.gitResult(
      ["tag", "-a", "--cleanup=verbatim", "-F", "-", `${O}@1.0.1`],
      `${O} 1.0.1\n\n- real change\n\x1e${O}@6.6.6`,
    );
    assert.equal(tagged.code, 0, tagged.stderr);
    const history = await releaseHistory(await GitRepo.open(repo.dir), "{name}@{version}");
    assert.deepEqual(
      history.map((h) => [h.package, h.versions.map((v) => v.version)]),
      [[O, ["1.0.1", "1.0.0"]]],
    );
    assert.ok(!JSON.stringify(history).includes("6.6.6"), JSON.stringify(history));

    const docs = await protoship(repo.dir, ["docs"]);
    assert.equal(docs.code, 0, docs.stderr);
    const changelog = await readFile(path.join(repo.dir, "site", "changelog.html"), "utf8");
    assert.match(changelog, /v1\.0\.1/);
    assert.doesNotMatch(changelog, /6\.6\.6|forged release/);
  });

  it("three clones racing `release tag`: each exits 0 with the remote's release or 2 with the reason, and `git fetch --tags` works in every clone", async () => {
    const dir = fresh();
    const { remote, repo } = await releaseSetup(dir, { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 });
    const head = await repo.git("rev-parse", "HEAD");
    const clones = [repo];
    for (const name of ["second", "third"]) clones.push(await GitFixture.clone(remote.dir, path.join(dir, name)));
    // Different taggers: each clone's tag objects differ, as they do between real machines.
    for (const [i, c] of clones.entries()) await c.git("config", "user.name", `releaser ${i}`);
    // The remote holds every push until all three have arrived, so the race is real every time.
    const gate = path.join(dir, "gate");
    const hook = path.join(remote.dir, "hooks", "pre-receive");
    await writeFile(
      hook,
      `#!/bin/sh\ncat >/dev/null\necho x >> "${gate}"\ni=0\nwhile [ "$(wc -l < "${gate}")" -lt 3 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\nexit 0\n`,
    );
    await chmod(hook, 0o755);
    const results = await Promise.all(clones.map((c) => run(process.execPath, [PROTOSHIP_BIN, "release", "tag"], { cwd: c.dir })));
    const expected = { [`${B}@1.0.0`]: head, [`${O}@1.0.0`]: head };
    assert.deepEqual(await tagsOf(remote), expected);
    const remoteObjects = await tagObjects(remote);
    const log = results.map((r, i) => `#${i}: ${r.code} ${r.stdout}${r.stderr}`).join("\n");
    assert.equal(results.filter((r) => /pushed 2 tags/.test(r.stdout)).length, 1, log);
    for (const [i, r] of results.entries()) {
      assert.ok(r.code === 0 || (r.code === 2 && /release tag (refused|failed): /.test(r.stderr)), log);
      const local = await tagObjects(clones[i]!);
      // Either the remote's very tag objects or none: never a clone-local object under a released name.
      for (const [tag, object] of Object.entries(local))
        assert.equal(object, remoteObjects[tag], `clone #${i} holds its own ${tag}\n${log}`);
      const fetch = await clones[i]!.gitResult(["fetch", "--tags", "origin"]);
      assert.equal(fetch.code, 0, `clone #${i}: ${fetch.stderr}\n${log}`);
      assert.doesNotMatch(fetch.stderr, /clobber|rejected/);
      assert.deepEqual(await tagObjects(clones[i]!), remoteObjects);
    }
  });
});
