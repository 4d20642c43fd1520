import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { lstat, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { ORDER_V1, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const UNFORMATTED = ORDER_V1.replace("message Order {", "message   Order{");

describe("protoship check --fix: rewrites only from complete, verified output", () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  it("never empties a file buf format cannot read (invalid UTF-8), and does not suggest --fix for it", async () => {
    const repo = await shopRepo(fresh());
    const bytes = Buffer.concat([Buffer.from(UNFORMATTED.replace("// An order.", "// An order caf")), Buffer.from([0xe9, 0x0a])]);
    await writeFile(path.join(repo.dir, ORDER), bytes);
    let r = await protoship(repo.dir, ["check"], undefined, { NO_COLOR: "1" });
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, /--fix/, r.stdout);
    r = await protoship(repo.dir, ["check", "--fix"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(await readFile(path.join(repo.dir, ORDER)), bytes, "the file is left exactly as it was");
  });

  it("refuses a committed .proto symlink to a file outside the repository (never passed, never written through)", async () => {
    const repo = await shopRepo(fresh());
    const outside = path.join(root(), `outside-${path.basename(repo.dir)}.proto`);
    await writeFile(outside, 'syntax = "proto3";\npackage shop.order.v1;\n// L.\nmessage   Linked{}\n');
    const link = "proto/shop/order/v1/linked.proto";
    await repo.git("checkout", "-q", "-b", "feature");
    await symlink(outside, path.join(repo.dir, link));
    await repo.commitAll("a symlinked proto");
    const before = await readFile(outside, "utf8");
    for (const args of [["check"], ["check", "--fix"], ["check", "--against", "HEAD~1"]]) {
      const r = await protoship(repo.dir, args);
      // git stores only the link: a clone has no file there, so the change is refused, not passed.
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`"${link}" is a symlink to .*no file inside the repository`));
      assert.match(r.stderr, /commit the \.proto file itself/);
    }
    assert.equal(await readFile(outside, "utf8"), before, "the file outside the repository is untouched");
    assert.ok((await lstat(path.join(repo.dir, link))).isSymbolicLink(), "the link is still a link");
  });

  describe("does what the FORMAT hint says wherever the hint appears, and names each file it rewrote", () => {
    /** The FORMAT finding's hint must be `protoship check --fix`, and running exactly that must fix the file. */
    const fixAsHinted = async (repo: GitFixture, refused: string): Promise<void> => {
      assert.match(refused, /FORMAT/);
      assert.match(refused, /fix with protoship check --fix\)/);
      const r = await protoship(repo.dir, ["check", "--fix"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^fixed proto\/shop\/order\/v1\/order\.proto \(formatted as `buf format` writes it\)$/m);
      assert.equal(await repo.read(ORDER), ORDER_V1);
    };
    const withRemote = async (): Promise<{ repo: GitFixture; remote: GitFixture }> => {
      const repo = await shopRepo(fresh());
      const remote = await GitFixture.init(fresh(), { bare: true });
      await repo.git("remote", "add", "origin", remote.dir);
      return { repo, remote };
    };
    const prePush = (repo: GitFixture, line: string) => protoship(repo.dir, ["check", "--pre-push", "origin"], line);

    it("committed work the pre-push hook refused (the remote has main)", async () => {
      const { repo } = await withRemote();
      await repo.git("push", "-q", "-u", "origin", "main");
      const before = await repo.git("rev-parse", "HEAD");
      await repo.write(ORDER, UNFORMATTED);
      const head = await repo.commitAll("unformatted");
      const refused = await prePush(repo, `refs/heads/main ${head} refs/heads/main ${before}\n`);
      assert.equal(refused.code, 1, refused.stdout);
      await fixAsHinted(repo, refused.stdout);
    });

    it("the first push, to an empty remote", async () => {
      const { repo } = await withRemote();
      await repo.write(ORDER, UNFORMATTED);
      const head = await repo.commitAll("unformatted");
      const refused = await prePush(repo, `refs/heads/main ${head} refs/heads/main ${"0".repeat(40)}\n`);
      assert.equal(refused.code, 1, refused.stdout);
      await fixAsHinted(repo, refused.stdout);
    });

    it("a pull request's check in CI, after the branch was pushed", async () => {
      const { repo, remote } = await withRemote();
      await repo.git("push", "-q", "-u", "origin", "main");
      await repo.git("checkout", "-q", "-b", "topic");
      await repo.write(ORDER, UNFORMATTED);
      await repo.commitAll("unformatted");
      await repo.git("push", "-q", "-u", "origin", "topic");
      // The pull request's check, in a clone of the remote at the branch.
      const ci = await GitFixture.clone(remote.dir, fresh(), ["-b", "topic"]);
      const refused = await protoship(ci.dir, ["check", "--against", "origin/main"]);
      assert.equal(refused.code, 1, refused.stdout);
      await fixAsHinted(repo, refused.stdout);
    });

    it("the working tree", async () => {
      const repo = await shopRepo(fresh());
      await repo.write(ORDER, UNFORMATTED);
      const refused = await protoship(repo.dir, ["check"]);
      assert.equal(refused.code, 1, refused.stdout);
      await fixAsHinted(repo, refused.stdout);
    });
  });

  it("rewrites an unformatted file atomically with buf's output and keeps its mode", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, UNFORMATTED);
    const { chmod } = await import("node:fs/promises");
    await chmod(path.join(repo.dir, ORDER), 0o640);
    const inode = (await lstat(path.join(repo.dir, ORDER))).ino;
    const r = await protoship(repo.dir, ["check", "--fix"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await repo.read(ORDER), ORDER_V1);
    const after = await lstat(path.join(repo.dir, ORDER));
    assert.equal(after.mode & 0o777, 0o640);
    assert.notEqual(after.ino, inode, "replaced by rename, not rewritten in place");
    assert.equal(
      await repo.git("status", "--porcelain", "--untracked-files=all"),
      "",
      "formatted back to the committed file, no temporary file left",
    );
  });
});
