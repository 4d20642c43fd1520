import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PROTOSHIP_BIN, run, suiteTempDirs } from "@protoship/testkit";
import { shopRepo } from "./fixtures.ts";

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
