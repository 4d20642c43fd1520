import assert from "node:assert/strict";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { PROTOSHIP_BIN, protoship, readTree, run, suiteTempDirs } from "@protoship/testkit";
import { partition } from "../src/generate/partition.ts";
import { shopRepo } from "./fixtures.ts";
import { releaseSetup } from "./release-helpers.ts";

/** The files of the working tree (not .git's, which git itself refreshes). */
const worktree = (dir: string): Promise<Map<string, string>> => readTree(dir, (f) => !f.startsWith(`.git${path.sep}`));

/** Issue 19 §7: each of these is exit 2 with a one-line cause, and leaves the repository as it was. */
describe("exit codes of a user's mistake", { timeout: 180_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("a configuration error exits 2 even when the reader of stderr closed early (2>&1 | true)", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", "stubs:\n  bogus: 1\n");
    // `true` exits at once, long before node has started: every write of protoship meets EPIPE.
    for (const command of ["check", "generate --check"]) {
      const r = await run("bash", ["-c", `node ${PROTOSHIP_BIN} ${command} 2>&1 | true; exit \${PIPESTATUS[0]}`], { cwd: repo.dir });
      assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
    }
  });
});

describe("exit 2 and nothing changed: shards, versions, step outputs, an unreachable remote", { timeout: 180_000 }, () => {
  const { fresh, root } = suiteTempDirs({ before, after });

  it("shard counts above 256 (a GitHub Actions matrix's limit) are refused at once, whatever their size", async () => {
    const repo = await shopRepo(fresh());
    const before = await worktree(repo.dir);
    for (const args of [
      ["generate", "--shard", "1/100000000"],
      ["generate", "--check", "--shard", "1/257"],
      ["generate", "--shard", "1/9007199254740991"],
      ["generate", "--list-shards", "100000000"],
      ["generate", "--list-shards", "9007199254740993"],
    ]) {
      const r = await protoship(repo.dir, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^protoship: --(shard|list-shards) "\d+(\/\d+)?": (at most 256 shards|expected)/, args.join(" "));
    }
    assert.deepEqual(await worktree(repo.dir), before);
  });

  it("partition makes a working bin per item at most: a huge count costs O(items)", () => {
    const bins = partition(
      ["a", "b", "c"],
      256,
      () => 1,
      (s) => s,
    );
    assert.equal(bins.length, 256);
    assert.deepEqual(bins.slice(0, 4), [["a"], ["b"], ["c"], []]);
    assert.deepEqual(
      partition(
        ["a", "b", "c"],
        2,
        () => 1,
        (s) => s,
      ),
      [["a", "c"], ["b"]],
    );
  });

  it("generate --set-version must be a semver version: exit 2 naming the flag, nothing written", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@acme"\n');
    const before = await worktree(repo.dir);
    for (const version of ['x"; rm -rf /', "v1.2.0", "1.2", "1.2.0 || 2"]) {
      const r = await protoship(repo.dir, ["generate", "--set-version", version]);
      assert.equal(r.code, 2, `${version}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(
          `^protoship: --set-version ${JSON.stringify(JSON.stringify(version)).slice(1, -1).replace(/[|.]/g, "\\$&")}: expected a semver version`,
        ),
      );
    }
    assert.deepEqual(await worktree(repo.dir), before);
  });

  it("ci matrix --github-output: GITHUB_OUTPUT a folder or a missing path is exit 2, nothing written", async () => {
    const repo = await shopRepo(fresh());
    const folder = path.join(root(), "output-folder");
    await mkdir(folder);
    for (const [file, what] of [
      [folder, "is a folder"],
      [path.join(root(), "no-such", "output"), "does not exist"],
    ] as const) {
      const r = await protoship(repo.dir, ["ci", "matrix", "--github-output"], undefined, { GITHUB_OUTPUT: file });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^protoship: --github-output: GITHUB_OUTPUT ".*" ${what}; expected the step's output file$`, "m"));
      assert.equal(r.stdout, "", "no matrix printed either");
    }
    assert.deepEqual(await readdir(folder), []);
  });

  it("release tag with an unreachable remote: exit 2 with git's cause in one line, no tag created", async () => {
    const { repo } = await releaseSetup(fresh());
    await repo.git("remote", "set-url", "origin", "https://127.0.0.1:9/acme.git");
    const before = [await worktree(repo.dir), await repo.git("for-each-ref")];
    const r = await protoship(repo.dir, ["release", "tag"], undefined, { GIT_TERMINAL_PROMPT: "0" });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^protoship: cannot read the remote "origin": fatal: unable to access 'https:\/\/127\.0\.0\.1:9\/acme\.git\/'/);
    assert.equal(
      r.stderr
        .trimEnd()
        .split("\n")
        .filter((l) => !l.startsWith("  hint: ")).length,
      1,
    );
    assert.equal(await repo.git("tag", "--list"), "");
    assert.deepEqual([await worktree(repo.dir), await repo.git("for-each-ref")], before);
  });
});
