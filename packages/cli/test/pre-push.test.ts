import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import path from "node:path";
import { GitFixture, REPO_ROOT, protoship, suiteTempDirs } from "@protoship/testkit";
import { ORDER_ADDITIVE, ORDER_BREAKING, findingsOf, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const ZERO = "0".repeat(40);

describe("protoship check --pre-push", () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  /** A clone of a bare remote holding the small module. */
  async function cloneWithRemote(): Promise<{ local: GitFixture; bare: string }> {
    const seed = await shopRepo(fresh());
    const bare = fresh("remote");
    await GitFixture.init(bare, { bare: true });
    await seed.git("push", "-q", bare, "main");
    const local = await GitFixture.clone(bare, fresh());
    return { local, bare };
  }

  const line = (localRef: string, localSha: string, remoteRef: string, remoteSha: string): string =>
    `${localRef} ${localSha} ${remoteRef} ${remoteSha}\n`;

  it("checks the pushed commit, not the working tree", async () => {
    const { local } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    await local.write(ORDER, ORDER_BREAKING);
    const sha = await local.commitAll("breaking");
    await local.write(ORDER, ORDER_ADDITIVE); // the working tree is fine, the commit is not
    const r = await protoship(
      local.dir,
      ["check", "--pre-push", "--remote", "origin", "--format", "json"],
      line("refs/heads/main", sha, "refs/heads/main", remoteSha),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => [f.file, f.line, f.rule]),
      [[ORDER, 10, "FIELD_SAME_TYPE"]],
    );
  });

  it("passes a pushed additive commit even when the working tree is broken", async () => {
    const { local } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    await local.write(ORDER, ORDER_ADDITIVE);
    const sha = await local.commitAll("additive");
    await local.write(ORDER, ORDER_BREAKING);
    const r = await protoship(local.dir, ["check", "--pre-push"], line("refs/heads/main", sha, "refs/heads/main", remoteSha));
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it("checks only the commits a new branch adds, for every ref pushed", async () => {
    const { local } = await cloneWithRemote();
    await local.git("checkout", "-q", "-b", "feature");
    await local.write("proto/shop/order/v1/extra.proto", 'syntax = "proto3";\npackage shop.order.v1;\n// Fine.\nmessage Extra {}\n');
    const ok = await local.commitAll("fine");
    await local.git("checkout", "-q", "-b", "feature2", "main");
    await local.write(ORDER, ORDER_BREAKING);
    const bad = await local.commitAll("breaking");
    let r = await protoship(local.dir, ["check", "--pre-push"], line("refs/heads/feature", ok, "refs/heads/feature", ZERO));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await protoship(
      local.dir,
      ["check", "--pre-push", "--format", "json"],
      line("refs/heads/feature", ok, "refs/heads/feature", ZERO) + line("refs/heads/feature2", bad, "refs/heads/feature2", ZERO),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_SAME_TYPE"],
    );
  });

  it("lets a branch deletion and a push without .proto changes through", async () => {
    const { local } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    let r = await protoship(local.dir, ["check", "--pre-push"], line("(delete)", ZERO, "refs/heads/old", remoteSha));
    assert.equal(r.code, 0, r.stderr);
    await local.write("docs.md", "no protos here\n");
    const sha = await local.commitAll("docs");
    r = await protoship(local.dir, ["check", "--pre-push"], line("refs/heads/main", sha, "refs/heads/main", remoteSha));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no \.proto changes/);
  });

  it("reads protoship.yaml only for a push with .proto changes", async () => {
    const { local } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    // Left out of the commits: the gate reads the working tree's protoship.yaml, as every command does.
    await local.write("protoship.yaml", "stubs:\n  scope: [\n");
    await local.write("docs.md", "no protos here\n");
    await local.git("add", "docs.md");
    await local.git("commit", "-q", "-m", "docs");
    const docs = await local.git("rev-parse", "HEAD");
    let r = await protoship(
      local.dir,
      ["check", "--pre-push", "--remote", "origin"],
      line("refs/heads/main", docs, "refs/heads/main", remoteSha),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no \.proto changes/);
    await local.write(ORDER, ORDER_ADDITIVE);
    await local.git("add", ORDER);
    await local.git("commit", "-q", "-m", "additive");
    const sha = await local.git("rev-parse", "HEAD");
    r = await protoship(
      local.dir,
      ["check", "--pre-push", "--remote", "origin"],
      line("refs/heads/main", sha, "refs/heads/main", remoteSha),
    );
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^protoship: protoship\.yaml:\d+:\d+: invalid YAML: /);
  });

  it("checks the first push of a brand-new repository", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\nlint:\n  use: [STANDARD]\n");
    await repo.write(ORDER, 'syntax = "proto3";\npackage shop.order.v1;\nmessage order {}\n');
    const sha = await repo.commitAll("root commit");
    const r = await protoship(repo.dir, ["check", "--pre-push", "--format", "json"], line("refs/heads/main", sha, "refs/heads/main", ZERO));
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["MESSAGE_PASCAL_CASE"],
    );
  });

  it("rejects malformed hook input with exit 2", async () => {
    const { local } = await cloneWithRemote();
    const r = await protoship(local.dir, ["check", "--pre-push"], "garbage\n");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pre-push input line 1/);
  });

  it("refuses a real git push of a breaking change through the installed hook and accepts an additive one", async () => {
    const { local } = await cloneWithRemote();
    // Install the same hook the monorepo's husky setup installs.
    const hooks = path.join(local.dir, ".hooks");
    const { cp } = await import("node:fs/promises");
    await cp(path.join(REPO_ROOT, ".husky/pre-push"), path.join(hooks, "pre-push"));
    const { chmod, writeFile } = await import("node:fs/promises");
    // The hook finds the CLI at the repository root; point it at the monorepo's build.
    await writeFile(
      path.join(hooks, "pre-push"),
      `#!/bin/sh\nexec node "${path.join(REPO_ROOT, "packages/cli/bin/protoship.js")}" check --pre-push --remote "$1"\n`,
    );
    await chmod(path.join(hooks, "pre-push"), 0o755);
    await local.git("config", "core.hooksPath", hooks);

    await local.write(ORDER, ORDER_BREAKING);
    await local.commitAll("breaking");
    let push = await local.gitResult(["push", "origin", "main"]);
    assert.notEqual(push.code, 0, "the breaking push must be refused");
    assert.match(push.stderr + push.stdout, /FIELD_SAME_TYPE/);
    assert.match(push.stderr, /failed to push|hook declined/);

    await local.git("reset", "-q", "--hard", "origin/main");
    await local.write(ORDER, ORDER_ADDITIVE);
    await local.commitAll("additive");
    push = await local.gitResult(["push", "origin", "main"]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal(await local.git("rev-parse", "origin/main"), await local.git("rev-parse", "HEAD"));

    await local.write(ORDER, ORDER_BREAKING);
    await local.commitAll("breaking again");
    push = await local.gitResult(["push", "--no-verify", "origin", "main"]);
    assert.equal(push.code, 0, "--no-verify stays the escape");
  });
  it("checks a force push of an unrelated history against what the remote had", async () => {
    const { local } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    await local.git("checkout", "-q", "--orphan", "rewrite");
    await local.write(ORDER, ORDER_BREAKING);
    const sha = await local.commitAll("rewritten history");
    const r = await protoship(
      local.dir,
      ["check", "--pre-push", "origin", "--format", "json"],
      line("refs/heads/rewrite", sha, "refs/heads/main", remoteSha),
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => [f.file, f.rule]),
      [[ORDER, "FIELD_SAME_TYPE"]],
    );
  });

  it("checks a force push that drops the remote's commits against the remote's commit, not the merge-base", async () => {
    const { local } = await cloneWithRemote();
    const start = await local.git("rev-parse", "HEAD");
    await local.write(ORDER, ORDER_ADDITIVE);
    await local.commitAll("additive");
    await local.git("push", "-q", "origin", "main");
    const remoteSha = await local.git("rev-parse", "origin/main");
    await local.git("reset", "-q", "--hard", start);
    await local.write("docs.md", "rewritten\n");
    const sha = await local.commitAll("drops the new field");
    const r = await protoship(
      local.dir,
      ["check", "--pre-push", "--format", "json"],
      line("refs/heads/main", sha, "refs/heads/main", remoteSha),
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_NO_DELETE"],
    );
  });

  it("fetches the remote's commit when it is not local, and says what to run when it cannot", async () => {
    const { local, bare } = await cloneWithRemote();
    // Someone else pushes an additive change; this clone never fetches it.
    const other = await GitFixture.clone(bare, fresh());
    await other.write(ORDER, ORDER_ADDITIVE);
    await other.commitAll("additive elsewhere");
    await other.git("push", "-q", "origin", "main");
    const remoteSha = await other.git("rev-parse", "HEAD");
    await local.write("docs.md", "local\n");
    const sha = await local.commitAll("force over it");
    assert.notEqual((await local.gitResult(["cat-file", "-e", remoteSha])).code, 0, "not local yet");
    let r = await protoship(
      local.dir,
      ["check", "--pre-push", "origin", bare, "--format", "json"],
      line("refs/heads/main", sha, "refs/heads/main", remoteSha),
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.rule),
      ["FIELD_NO_DELETE"],
    );

    const { local: offline } = await cloneWithRemote();
    await offline.git("remote", "set-url", "origin", `${root()}/gone.git`);
    const sha2 = await offline.commitAll("offline");
    r = await protoship(offline.dir, ["check", "--pre-push", "origin"], line("refs/heads/main", sha2, "refs/heads/main", remoteSha));
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^protoship: .*not in this repository.*$/m);
    assert.match(r.stderr, /hint: run: git fetch origin/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it("rejects an unknown local commit on the hook's input with a one-line error, exit 2", async () => {
    const { local } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    const r = await protoship(local.dir, ["check", "--pre-push"], line("refs/heads/main", "1".repeat(40), "refs/heads/main", remoteSha));
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^protoship: .*1111111111.* (is )?not in this repository/m);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });

  it("checks a pushed commit from git objects only: an ignored or untracked local proto does not satisfy its imports", async () => {
    for (const ignored of [true, false]) {
      const { local } = await cloneWithRemote();
      const remoteSha = await local.git("rev-parse", "origin/main");
      if (ignored) {
        await local.write(".gitignore", "secret.proto\n");
        await local.commitAll("ignore");
      }
      await local.write("proto/shop/order/v1/secret.proto", 'syntax = "proto3";\npackage shop.order.v1;\n// S.\nmessage Secret {}\n');
      await local.write(
        ORDER,
        ORDER_ADDITIVE.replace("package shop.order.v1;\n", 'package shop.order.v1;\n\nimport "shop/order/v1/secret.proto";\n').replace(
          "string note = 3;",
          "Secret note = 3;",
        ),
      );
      await local.git("add", ORDER);
      await local.git("commit", "-q", "-m", "imports a file that is not committed");
      assert.match(
        await local.git("status", "--porcelain", "--ignored"),
        ignored ? /!! proto\/shop\/order\/v1\/secret\.proto/ : /\?\? proto\/shop\/order\/v1\/secret\.proto/,
      );
      const sha = await local.git("rev-parse", "HEAD");
      const r = await protoship(
        local.dir,
        ["check", "--pre-push", "--format", "json"],
        line("refs/heads/main", sha, "refs/heads/main", remoteSha),
      );
      assert.equal(r.code, 1, `${ignored ? "ignored" : "untracked"}: ${r.stdout}${r.stderr}`);
      assert.ok(
        findingsOf(r.stdout).some((f) => f.file === ORDER && f.rule === "COMPILE"),
        r.stdout,
      );
    }
  });

  it("takes git's own hook arguments (<remote> <url>) as git, husky and lefthook pass them", async () => {
    const { local, bare } = await cloneWithRemote();
    const remoteSha = await local.git("rev-parse", "origin/main");
    await local.write(ORDER, ORDER_BREAKING);
    const sha = await local.commitAll("breaking");
    for (const args of [["origin", bare], ["origin"], ["--remote", "origin"]]) {
      const r = await protoship(
        local.dir,
        ["check", "--pre-push", ...args, "--format", "json"],
        line("refs/heads/main", sha, "refs/heads/main", remoteSha),
      );
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.deepEqual(
        findingsOf(r.stdout).map((f) => f.rule),
        ["FIELD_SAME_TYPE"],
      );
    }
    const r = await protoship(local.dir, ["check", "origin"]);
    assert.equal(r.code, 2, "positional arguments belong to --pre-push only");
  });

  it("the repository's own .husky/pre-push hook passes git's arguments through", async () => {
    const { local } = await cloneWithRemote();
    const hook = await (await import("node:fs/promises")).readFile(path.join(REPO_ROOT, ".husky/pre-push"), "utf8");
    assert.match(hook, /check --pre-push "\$@"/);
    const hooks = path.join(local.dir, ".hooks");
    const { chmod, mkdir, writeFile } = await import("node:fs/promises");
    await mkdir(hooks, { recursive: true });
    // The same exec line, pointed at the monorepo's build instead of the clone's.
    const exec = hook
      .split("\n")
      .find((l) => l.startsWith("exec "))!
      .replace('"$cli"', JSON.stringify(path.join(REPO_ROOT, "packages/cli/bin/protoship.js")));
    await writeFile(path.join(hooks, "pre-push"), `#!/bin/sh\n${exec}\n`);
    await chmod(path.join(hooks, "pre-push"), 0o755);
    await local.git("config", "core.hooksPath", hooks);
    await local.write(ORDER, ORDER_BREAKING);
    await local.commitAll("breaking");
    const push = await local.gitResult(["push", "origin", "main"]);
    assert.notEqual(push.code, 0, push.stderr);
    assert.match(push.stderr + push.stdout, /FIELD_SAME_TYPE/);
  });
});
