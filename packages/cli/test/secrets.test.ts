import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { redact } from "../src/process/redact.ts";
import { ORDER_ADDITIVE, shopRepo } from "./fixtures.ts";

const ORDER = "proto/shop/order/v1/order.proto";
/** A GitHub installation token's shape, in a remote's URL whose host refuses connections (port 9 on 127.0.0.1). */
const TOKEN = `ghs_${"A1b2C3d4E5".repeat(4)}`;
const URL_WITH_TOKEN = `https://x-access-token:${TOKEN}@127.0.0.1:9/acme.git`;
/** No variable names the token: what is hidden is found by its shape, not by the environment. */
const ENV = { GIT_TERMINAL_PROMPT: "0" };

function assertHidden(r: { code: number; stdout: string; stderr: string }): void {
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN), `the token leaked:\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /x-access-token:\*\*\*@127\.0\.0\.1:9\/acme\.git/, "the hint still names the remote");
}

/** Issue 19 §4: a token in a remote's URL never reaches protoship's output (git hides it too). */
describe("no secret in any output", { timeout: 120_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("pre-push to a URL with a token whose remote commit is not here: the fetch hint hides the token", async () => {
    const repo = await shopRepo(fresh());
    await repo.write(ORDER, ORDER_ADDITIVE);
    const sha = await repo.commitAll("additive");
    const elsewhere = "1234567890abcdef1234567890abcdef12345678";
    const r = await protoship(
      repo.dir,
      ["check", "--pre-push", URL_WITH_TOKEN, URL_WITH_TOKEN],
      `refs/heads/main ${sha} refs/heads/main ${elsewhere}\n`,
      ENV,
    );
    assertHidden(r);
    assert.match(r.stderr, /run: git fetch https:\/\/x-access-token:\*\*\*@/);
  });

  it("a shallow clone that cannot be deepened from a URL with a token: the --unshallow hint hides it", async () => {
    const origin = await shopRepo(fresh());
    await origin.write(ORDER, ORDER_ADDITIVE);
    await origin.commitAll("second");
    const clone = await GitFixture.clone(`file://${origin.dir}`, fresh(), ["--depth=1"]);
    await clone.git("remote", "add", "upstream", URL_WITH_TOKEN);
    await clone.write("protoship.yaml", `stubs:\n  scope: "@acme"\nrelease:\n  remote: ${URL_WITH_TOKEN}\n`);
    // An unrelated root commit: no merge-base in the shallow history.
    await clone.git("checkout", "-q", "--orphan", "other");
    await clone.commitAll("unrelated");
    const r = await protoship(clone.dir, ["check", "--against", "main"], undefined, ENV);
    assertHidden(r);
    assert.match(r.stderr, /git fetch --unshallow https:\/\/x-access-token:\*\*\*@/);
  });

  it("an unknown revision fetched from a URL with a token: the hint hides it", async () => {
    const repo = await shopRepo(fresh());
    await repo.write("protoship.yaml", `stubs:\n  scope: "@acme"\nrelease:\n  remote: ${URL_WITH_TOKEN}\n`);
    const r = await protoship(repo.dir, ["check", "--against", "no-such-branch"], undefined, ENV);
    assertHidden(r);
    assert.match(r.stderr, /unknown revision "no-such-branch"/);
  });

  it("redact: tokens of every shape, and URLs' credentials, are hidden; ordinary text is kept", () => {
    const secrets = [
      `https://x-access-token:${TOKEN}@github.com/a.git`,
      `https://${TOKEN}@github.com/a.git`,
      `https://oauth2:glpat-${"x".repeat(20)}@gitlab.com/a.git`,
      `github_pat_${"1".repeat(30)}`,
      `ghp_${"Z".repeat(36)}`,
      "https://api.example.com/x?access_token=abcdef123456&page=2",
      "authorization: token 0123456789abcdef",
    ];
    for (const text of secrets) {
      const out = redact(text, {});
      assert.match(out, /\*\*\*/, out);
      for (const part of ["A1b2C3d4E5", "glpat-x", "1111111111", "ZZZZZZZZ", "abcdef123456", "0123456789abcdef"])
        assert.ok(!out.includes(part), `${part} in ${out}`);
    }
    const plain = "the token permissions: git@github.com:acme/apis.git and ssh://git@host/x.git, https://host/a.git, legacy";
    assert.equal(redact(plain, {}), plain);
    // Variables whose names look like secrets but are not: their values stay.
    assert.equal(redact(plain, { npm_config_auth_type: "legacy", SSH_AUTH_SOCK: "/tmp/ssh-agent.sock" }), plain);
    assert.equal(redact("value s3cr3t-42", { DEPLOY_TOKEN: "s3cr3t-42" }), "value ***");
  });
});
