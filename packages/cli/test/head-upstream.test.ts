import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GitFixture, suiteTempDirs } from "@protoship/testkit";
import { GitRepo } from "../src/git/git.ts";
import { headAndUpstream } from "../src/git/remote.ts";

/** The one git call that finds the usual base of `protoship check` (issue 22 §1). */
describe("headAndUpstream", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("gives HEAD's commit and its upstream's, HEAD's alone without an upstream or a branch, undefined without a commit", async () => {
    const fixture = await GitFixture.init(fresh());
    const repo = await GitRepo.open(fixture.dir);
    assert.equal(await headAndUpstream(repo), undefined, "no commit yet");
    await fixture.write("a.txt", "a\n");
    await fixture.commitAll("first");
    const first = (await fixture.git("rev-parse", "HEAD")).trim();
    assert.deepEqual(await headAndUpstream(repo), { head: first }, "no upstream");
    await fixture.git("checkout", "-q", "-b", "feature");
    await fixture.git("branch", "-q", "--set-upstream-to", "main");
    // A file named like the revisions asked is never taken for one.
    await fixture.write("HEAD^{commit}", "not a revision\n");
    await fixture.write("@{upstream}^{commit}", "not a revision\n");
    await fixture.commitAll("second");
    const second = (await fixture.git("rev-parse", "HEAD")).trim();
    assert.deepEqual(await headAndUpstream(repo), { head: second, upstream: first });
    await fixture.git("checkout", "-q", "--detach", "HEAD");
    assert.deepEqual(await headAndUpstream(repo), { head: second }, "detached HEAD");
  });
});
