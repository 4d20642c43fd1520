import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, PROTOSHIP_BIN, protoship, run, tempDir } from "@protoship/testkit";
import { GitRepo } from "../src/git/git.ts";
import { releaseHistory } from "../src/release/history.ts";
import { BILLING, BILLING_V1, ORDER, ORDER_V1, releaseSetup, tagsOf, writeProtos } from "./release-helpers.ts";

const O = "@shop/order-v1";
const B = "@shop/billing-v1";
const ORDER_ADD = ORDER_V1.replace(
  "  repeated Line lines = 4;\n",
  "  repeated Line lines = 4;\n  // When it must arrive.\n  string deadline = 5;\n",
);

describe("release tag", () => {
  let tmp: { dir: string; dispose: () => Promise<void> };
  let n = 0;
  const fresh = (): string => path.join(tmp.dir, `t${++n}`);
  before(async () => {
    tmp = await tempDir("protoship-release-tag-");
  });
  after(async () => {
    await tmp.dispose();
  });

  it("creates unsigned tags without a word on stderr where the git configuration asks for signed ones", async () => {
    const { remote, repo } = await releaseSetup(fresh(), { [ORDER]: ORDER_V1 });
    // A signing program that always fails: any attempt to sign would fail the run.
    await repo.git("config", "tag.gpgSign", "true");
    await repo.git("config", "tag.forceSignAnnotated", "true");
    await repo.git("config", "gpg.program", "/bin/false");
    const r = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.deepEqual(Object.keys(await tagsOf(remote)), [`${O}@1.0.0`]);
  });

  it("tags every package to release at HEAD with its changelog, pushes atomically, and a re-run does nothing", async () => {
    const { remote, repo } = await releaseSetup(fresh(), { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 });
    const head = await repo.git("rev-parse", "HEAD");
    const r = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tagged @shop\/billing-v1@1\.0\.0 at [0-9a-f]{12} \(major, first release\)/);
    assert.match(r.stdout, /pushed 2 tags to origin in one atomic push/);
    const expected = { [`${B}@1.0.0`]: head, [`${O}@1.0.0`]: head };
    assert.deepEqual(await tagsOf(remote), expected);
    assert.deepEqual(await tagsOf(repo), expected);
    assert.equal(await repo.git("cat-file", "-t", `${O}@1.0.0`), "tag", "annotated");
    assert.match(
      await repo.git("tag", "-l", "--format=%(contents)", `${O}@1.0.0`),
      /^@shop\/order-v1 1\.0\.0\n\n- added file `shop\/order\/v1\/order\.proto`$/,
    );
    // Releasing needs no commit: main is where it was, locally and on the remote.
    assert.equal(await repo.git("rev-parse", "HEAD"), head);
    assert.equal(await remote.git("rev-parse", "main"), head);

    const again = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to tag/);
    assert.deepEqual(await tagsOf(remote), expected);

    // The next release is diffed against the tags: only the changed package moves.
    const next = await writeProtos(repo, { [ORDER]: ORDER_ADD }, "deadline");
    await repo.git("push", "-q", "origin", "main");
    const second = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await tagsOf(remote), { ...expected, [`${O}@1.1.0`]: next });
    assert.match(await repo.git("tag", "-l", "--format=%(contents)", `${O}@1.1.0`), /- added field `deadline` to `shop\.order\.v1\.Order`/);

    // The docs site reads every version and its changelog back from the tags.
    const history = await releaseHistory(await GitRepo.open(repo.dir), "{name}@{version}");
    assert.deepEqual(
      history.map((h) => ({ package: h.package, versions: h.versions.map((v) => [v.version, v.changelog]) })),
      [
        { package: B, versions: [["1.0.0", ["added file `shop/billing/v1/invoice.proto`"]]] },
        {
          package: O,
          versions: [
            ["1.1.0", ["added field `deadline` to `shop.order.v1.Order`"]],
            ["1.0.0", ["added file `shop/order/v1/order.proto`"]],
          ],
        },
      ],
    );
    assert.ok(history[0]!.versions[0]!.date && !Number.isNaN(Date.parse(history[0]!.versions[0]!.date)));
  });

  it("--dry-run prints the tags and changelog and changes nothing", async () => {
    const { remote, repo } = await releaseSetup(fresh());
    const r = await protoship(repo.dir, ["release", "tag", "--dry-run"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /would tag @shop\/order-v1@1\.0\.0 at [0-9a-f]{12} \(major, first release\)\n {4}@shop\/order-v1 1\.0\.0\n/);
    assert.match(r.stdout, /would push 1 tag to origin/);
    assert.deepEqual(await tagsOf(repo), {});
    assert.deepEqual(await tagsOf(remote), {});
  });

  it("--no-push tags locally only; the next run pushes those tags", async () => {
    const { remote, repo } = await releaseSetup(fresh());
    const r = await protoship(repo.dir, ["release", "tag", "--no-push"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(await tagsOf(repo)), [`${O}@1.0.0`]);
    assert.deepEqual(await tagsOf(remote), {});
    const push = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /pushed 1 tag to origin/);
    assert.deepEqual(await tagsOf(remote), await tagsOf(repo));
  });

  it("refuses off the release branch, on a dirty tree, behind or ahead of the remote — with the reason, exit 2, no tags", async () => {
    const { remote, repo } = await releaseSetup(fresh());
    const expectRefusal = async (pattern: RegExp): Promise<void> => {
      const r = await protoship(repo.dir, ["release", "tag"]);
      assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.deepEqual(await tagsOf(repo), {});
      assert.deepEqual(await tagsOf(remote), {});
    };
    await repo.git("checkout", "-q", "-b", "feature");
    await expectRefusal(/release tag refused: not on the release branch main \(on feature\)/);
    await repo.git("checkout", "-q", "--detach");
    await expectRefusal(/not on the release branch main \(HEAD is detached\)/);
    await repo.git("checkout", "-q", "main");

    await repo.write(`proto/${ORDER}`, ORDER_ADD);
    await expectRefusal(/the working tree is dirty \(proto\/shop\/order\/v1\/order\.proto\)/);
    await repo.git("checkout", "-q", "--", ".");
    await repo.write("notes.txt", "untracked\n");
    await expectRefusal(/the working tree is dirty \(notes\.txt\)/);
    await repo.remove("notes.txt");

    // Someone else pushed to main: behind (the commit is not even fetched yet).
    const other = await GitFixture.clone(remote.dir, path.join(path.dirname(repo.dir), "other"));
    await other.write("README.md", "other\n");
    await other.commitAll("other");
    await other.git("push", "-q", "origin", "main");
    await expectRefusal(/main is behind origin\/main/);
    await repo.git("pull", "-q", "--ff-only", "origin", "main");

    await writeProtos(repo, { [ORDER]: ORDER_ADD }, "local only");
    await expectRefusal(/main has commits that are not on origin yet/);
    // --no-push does not need the commit on the remote.
    const local = await protoship(repo.dir, ["release", "tag", "--no-push"]);
    assert.equal(local.code, 0, local.stderr);
  });

  it("refuses when a version to create already exists at another commit, and never moves it", async () => {
    const { remote, repo } = await releaseSetup(fresh());
    assert.equal((await protoship(repo.dir, ["release", "tag"])).code, 0);
    // A stray 1.1.0 on a side branch (not reachable from main), pushed.
    await repo.git("checkout", "-q", "-b", "side");
    const side = await writeProtos(repo, { [ORDER]: ORDER_V1.replace("// An order.", "// Side.") }, "side");
    await repo.git("tag", "-a", "-m", "stray", `${O}@1.1.0`);
    await repo.git("push", "-q", "origin", `refs/tags/${O}@1.1.0`);
    await repo.git("tag", "-d", `${O}@1.1.0`);
    await repo.git("checkout", "-q", "main");
    await writeProtos(repo, { [ORDER]: ORDER_ADD }, "deadline");
    await repo.git("push", "-q", "origin", "main");
    const before = await tagsOf(remote);
    const r = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /@shop\/order-v1@1\.1\.0 already exists on origin at [0-9a-f]{12}, not at HEAD/);
    assert.deepEqual(await tagsOf(remote), before);
    assert.equal(before[`${O}@1.1.0`], side);
    // Same when the stray tag is local.
    await repo.git("fetch", "-q", "origin", `refs/tags/${O}@1.1.0:refs/tags/${O}@1.1.0`);
    const local = await protoship(repo.dir, ["release", "tag", "--no-push"]);
    assert.equal(local.code, 2);
    assert.match(local.stderr, /already exists locally/);
  });

  it("without a tagger identity it stops with the reason and a hint, and creates no tag", async () => {
    const { remote, repo } = await releaseSetup(fresh());
    await repo.git("config", "--unset", "user.email");
    await repo.git("config", "--unset", "user.name");
    await repo.git("config", "user.useConfigOnly", "true");
    const r = await protoship(repo.dir, ["release", "tag"], undefined, {
      HOME: path.dirname(repo.dir),
      XDG_CONFIG_HOME: path.dirname(repo.dir),
      GIT_COMMITTER_NAME: undefined,
      GIT_COMMITTER_EMAIL: undefined,
      EMAIL: undefined,
    });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /git tag @shop\/order-v1@1\.0\.0 failed: fatal: .*\n {2}hint: set user\.name and user\.email/);
    assert.deepEqual(await tagsOf(repo), {});
    assert.deepEqual(await tagsOf(remote), {});
  });

  it("a rejected push deletes only the local tags this run created and names them", async () => {
    const { remote, repo } = await releaseSetup(fresh(), { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 });
    const hook = path.join(remote.dir, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'tags are frozen today' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    const r = await protoship(repo.dir, ["release", "tag"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /pushing to origin failed: .*deleted the local tags this run created \(@shop\/billing-v1@1\.0\.0, @shop\/order-v1@1\.0\.0\), no remote tag was touched/,
    );
    assert.deepEqual(await tagsOf(repo), {});
    assert.deepEqual(await tagsOf(remote), {});
  });

  for (const mode of ["two clones", "one clone"] as const) {
    it(`two racing runs (${mode}) create each tag once at the right commit and leave no partial state`, async () => {
      const dir = fresh();
      const { remote, repo } = await releaseSetup(dir, { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 });
      const head = await repo.git("rev-parse", "HEAD");
      const second = mode === "two clones" ? await GitFixture.clone(remote.dir, path.join(dir, "second")) : repo;
      const [a, b] = await Promise.all([repo, second].map((r) => run(process.execPath, [PROTOSHIP_BIN, "release", "tag"], { cwd: r.dir })));
      for (const r of [a!, b!]) {
        assert.ok(
          r.code === 0 || (r.code === 2 && /release tag (refused|failed): /.test(r.stderr)),
          `exit ${r.code}: ${r.stdout}${r.stderr}`,
        );
      }
      assert.ok(a!.code === 0 || b!.code === 0, "at least one run succeeds");
      const expected = { [`${B}@1.0.0`]: head, [`${O}@1.0.0`]: head };
      assert.deepEqual(await tagsOf(remote), expected);
      // Each clone holds either the complete release or nothing of it.
      for (const r of [repo, second]) {
        const local = await tagsOf(r);
        assert.ok(
          JSON.stringify(local) === JSON.stringify(expected) || JSON.stringify(local) === "{}",
          `${JSON.stringify(local)}\nA: ${a!.code} ${a!.stdout}${a!.stderr}\nB: ${b!.code} ${b!.stdout}${b!.stderr}`,
        );
      }
      // And a re-run in either clone now has nothing to do.
      const again = await protoship(second.dir, ["release", "tag"]);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(await tagsOf(remote), expected);
    });
  }
});
