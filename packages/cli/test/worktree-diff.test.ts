import assert from "node:assert/strict";
import { chmod, mkdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, suiteTempDirs } from "@protoship/testkit";
import { commitToIndex, composeChanges, deletedOf, diffPaths, diffWorktreeFrom, indexToWorktree, type RawChange } from "../src/git/diff.ts";
import { listFiles } from "../src/git/files.ts";
import { GitRepo } from "../src/git/git.ts";
import { Snapshot } from "../src/snapshot/snapshot.ts";

const Z = "0".repeat(40);
const raw = (status: string, file: string, srcMode = "100644", dstMode = "100644", src = "a".repeat(40)): RawChange => ({
  srcMode: status === "A" ? "000000" : srcMode,
  dstMode: status === "D" ? "000000" : dstMode,
  src: status === "A" ? Z : src,
  status,
  path: file,
});

describe("the working tree's changes from a base, from the base's changes to the index and the index's to the working tree", () => {
  it("composes each path as git diff <base> lists it", () => {
    const b = "b".repeat(40);
    const toIndex = [
      raw("M", "m.proto", "100644", "100644", b),
      raw("A", "new.proto"),
      raw("A", "gone.proto"),
      raw("D", "d.proto", "120000"),
    ];
    const toWorktree = [raw("D", "gone.proto"), raw("M", "w.proto", "100644", "120000"), raw("M", "new.proto", "100644", "100755")];
    assert.deepEqual(composeChanges(toIndex, toWorktree), [
      { status: "D", path: "d.proto", baseBlob: "a".repeat(40), link: true },
      { status: "M", path: "m.proto", baseBlob: b },
      { status: "A", path: "new.proto" },
      { status: "M", path: "w.proto", baseBlob: "a".repeat(40), link: true },
    ]);
    // Staged, then deleted from the disk: deleted from the base.
    assert.deepEqual(composeChanges([raw("M", "x.proto", "100644", "120000", b)], [raw("D", "x.proto", "120000")]), [
      { status: "D", path: "x.proto", baseBlob: b },
    ]);
  });

  it("gives up (git is asked) when a path changed in both, or on an unmerged or intent-to-add entry", () => {
    assert.equal(composeChanges([raw("M", "x.proto")], [raw("M", "x.proto")]), undefined);
    assert.equal(composeChanges([], [raw("U", "x.proto")]), undefined);
    assert.equal(composeChanges([], [raw("A", "x.proto")]), undefined);
    assert.equal(composeChanges([raw("U", "x.proto")], []), undefined);
    assert.equal(deletedOf([raw("D", "a"), raw("U", "b")]), undefined);
    assert.deepEqual(deletedOf([raw("D", "a"), raw("M", "b"), raw("T", "c")]), new Set(["a"]));
  });

  describe("on a real repository", () => {
    const { fresh } = suiteTempDirs({ before, after });

    /** A base commit, then every kind of staged and unstaged change (each path changes once). */
    async function changedRepo(): Promise<{ repo: GitRepo; fixture: GitFixture; base: string }> {
      const fixture = await GitFixture.init(fresh());
      for (const f of ["m.proto", "w.proto", "d.proto", "rm.proto", "gone.proto", "x.sh", "t.proto", "same.proto", "dir/a.proto"]) {
        await fixture.write(f, `// ${f}\n`);
      }
      await symlink("m.proto", path.join(fixture.dir, "link.proto"));
      const base = await fixture.commitAll("base");
      await fixture.write("m.proto", "// staged\n");
      await fixture.write("staged-new.proto", "// new\n");
      await fixture.write("staged-gone.proto", "// new, then removed from the disk\n");
      await fixture.write("staged-edited.proto", "// new\n");
      await fixture.write("rm.proto", "// staged, then deleted\n");
      await fixture.git("add", "m.proto", "staged-new.proto", "staged-gone.proto", "staged-edited.proto", "rm.proto");
      await fixture.git("rm", "-q", "--cached", "d.proto");
      await rm(path.join(fixture.dir, "staged-gone.proto"));
      await rm(path.join(fixture.dir, "rm.proto"));
      await rm(path.join(fixture.dir, "gone.proto"));
      await fixture.write("staged-edited.proto", "// new, edited\n");
      await fixture.write("w.proto", "// unstaged\n");
      await chmod(path.join(fixture.dir, "x.sh"), 0o755);
      await rm(path.join(fixture.dir, "t.proto"));
      await symlink("m.proto", path.join(fixture.dir, "t.proto"));
      await rm(path.join(fixture.dir, "link.proto"));
      await fixture.write("link.proto", "// a file now\n");
      // Touched with the same bytes: git finds it unchanged.
      await fixture.write("same.proto", "// same.proto\n");
      await rm(path.join(fixture.dir, "dir"), { recursive: true });
      await mkdir(path.join(fixture.dir, "dir"));
      return { repo: await GitRepo.open(fixture.dir), fixture, base };
    }

    it("equal to git diff <base>, and its deletions to git ls-files --deleted", async () => {
      const { repo, base } = await changedRepo();
      const [toIndex, toWorktree] = await Promise.all([commitToIndex(repo, base), indexToWorktree(repo)]);
      const composed = composeChanges(toIndex, toWorktree);
      assert.ok(composed, "every path changed once: composable");
      const expected = await diffPaths(repo, base, { kind: "worktree" }, []);
      assert.deepEqual(composed, expected);
      assert.ok(expected.length >= 10, JSON.stringify(expected));
      assert.deepEqual([...(deletedOf(toWorktree) ?? [])].sort(), (await listFiles(repo, ["deleted"])).sort());
    });

    it("the working tree's listing, given its differences from the index, holds a tracked file the disk holds as a symlink as that symlink", async () => {
      const { repo } = await changedRepo();
      const tree = await Snapshot.worktree(repo, () => indexToWorktree(repo)).tree();
      assert.equal(tree.entry("t.proto")?.link, "m.proto", "a file replaced by a symlink, not staged");
      assert.equal(tree.entry("link.proto")?.link, undefined, "a symlink replaced by a file");
      assert.equal(tree.entry("gone.proto"), undefined, "deleted");
      assert.equal(tree.entry("d.proto")?.untracked, true, "`git rm --cached`: untracked");
    });

    it("asks git when a staged file was edited again, back to the base's bytes", async () => {
      const { repo, fixture, base } = await changedRepo();
      await fixture.write("m.proto", "// m.proto\n");
      const composed = await diffWorktreeFrom(repo, base, indexToWorktree(repo));
      const expected = await diffPaths(repo, base, { kind: "worktree" }, []);
      assert.deepEqual(composed, expected);
      assert.equal(
        expected.find((c) => c.path === "m.proto"),
        undefined,
      );
    });
  });
});
