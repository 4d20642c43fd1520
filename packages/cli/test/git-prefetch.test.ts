import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GitFixture, suiteTempDirs } from "@protoship/testkit";
import { GitRepo } from "../src/git/git.ts";

/** check starts its first git queries while its code loads (check/early-reads.ts, issue 22 §1). */
describe("GitRepo.prefetch", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("answers the next query with the same arguments once, as git answered when it was started", async () => {
    const fixture = await GitFixture.init(fresh());
    await fixture.write("a.txt", "a\n");
    const first = await fixture.commitAll("first");
    const repo = await GitRepo.open(fixture.dir);
    repo.prefetch([
      ["rev-parse", "HEAD"],
      ["rev-parse", "--verify", "no-such-ref"],
    ]);
    // Let the prefetched query finish before HEAD moves.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await fixture.write("b.txt", "b\n");
    const second = await fixture.commitAll("second");
    assert.notEqual(first, second);
    assert.equal((await repo.query(["rev-parse", "HEAD"])).trim(), first, "the prefetched answer");
    assert.equal((await repo.query(["rev-parse", "HEAD"])).trim(), second, "asked again");
    await assert.rejects(repo.query(["rev-parse", "--verify", "no-such-ref"]), /no-such-ref|Needed a single revision/);
    assert.equal((await repo.query(["rev-parse", "HEAD", "--"])).split("\n")[0], second, "other arguments: never the prefetched answer");
  });
});
