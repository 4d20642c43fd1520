import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { GitFixture, protoship, startFakeGitHub, suiteTempDirs, type FakeGitHub } from "@protoship/testkit";

const MARKER = "<!-- protoship-release-plan -->";

/**
 * `protoship release plan --pr-comment`: one comment per pull request, found again by its hidden
 * marker and edited in place, against a fake of GitHub's REST API on 127.0.0.1.
 */
describe("protoship release plan --pr-comment", { timeout: 120_000 }, () => {
  const temps = suiteTempDirs({ before, after });
  let repo: GitFixture;
  let api: FakeGitHub;
  let env: NodeJS.ProcessEnv;
  const key = "mesh/apis#7";

  before(async () => {
    api = await startFakeGitHub("t0ken");
    repo = await GitFixture.init(temps.fresh());
    await repo.addBundledProtos();
    await repo.commitAll("protos");
    const event = path.join(temps.root(), "event.json");
    await writeFile(event, JSON.stringify({ action: "opened", pull_request: { number: 7 } }));
    env = {
      GITHUB_TOKEN: "t0ken",
      GITHUB_REPOSITORY: "mesh/apis",
      GITHUB_EVENT_PATH: event,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_API_URL: api.url,
    };
  });
  after(async () => {
    await api?.stop();
  });

  test("first run creates the comment; a rerun edits the same comment; an unchanged plan is not rewritten", async () => {
    // Someone else's comments come first, over more than one page of 100.
    api.comments.set(
      key,
      Array.from({ length: 130 }, (_, i) => ({ id: i + 1, body: `review ${i}`, user: { login: "dev", type: "User" } })),
    );
    const first = await protoship(repo.dir, ["release", "plan", "--markdown", "--pr-comment"], undefined, env);
    assert.equal(first.code, 0, first.stderr);
    const mine = () => api.comments.get(key)!.filter((c) => c.body.includes(MARKER));
    assert.equal(mine().length, 1);
    const id = mine()[0]!.id;
    assert.match(first.stderr, new RegExp(`release plan comment created on pull request #7: https://github.invalid/comments/${id}`));
    assert.match(mine()[0]!.body, /What merging this pull request releases/);
    assert.match(mine()[0]!.body, /`@mesh\/probe-v1`.*\*\*1\.0\.0\*\*/);
    assert.ok(first.stdout.length > 0 && !first.stdout.includes(MARKER), "stdout is the plan alone (the job summary)");

    const probe = "protos/mesh/probe/v1/probe.proto";
    await repo.git("tag", "-a", "-m", "release", "@mesh/probe-v1@1.0.0");
    await repo.write(
      probe,
      (await repo.read(probe)).replace("message ProbeRequest {", "message ProbeRequest {\n  uint32 deadline_ms = 99;"),
    );
    await repo.commitAll("probe: a deadline");
    const second = await protoship(repo.dir, ["release", "plan", "--markdown", "--pr-comment"], undefined, env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /comment updated/);
    assert.deepEqual(
      mine().map((c) => c.id),
      [id],
      "the same comment, not a second one",
    );
    assert.match(mine()[0]!.body, /\*\*1\.1\.0\*\*/);
    assert.equal(api.comments.get(key)!.length, 131);

    const third = await protoship(repo.dir, ["release", "plan", "--markdown", "--pr-comment"], undefined, env);
    assert.match(third.stderr, /comment unchanged/);
    assert.equal(api.requests.filter((r) => r.method !== "GET").length, 2, "one POST, one PATCH");
    assert.ok(
      api.requests.some((r) => r.path.includes("page=2")),
      "the second page was read",
    );
  });

  test("a refused token is exit 2 with the status and the permission to grant; no token is exit 2 naming GITHUB_TOKEN", async () => {
    const refused = await protoship(repo.dir, ["release", "plan", "--pr-comment"], undefined, { ...env, GITHUB_TOKEN: "wrong" });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /protoship: GitHub API: GET \/user answered 401: Bad credentials/);
    const missing = await protoship(repo.dir, ["release", "plan", "--pr-comment"], undefined, { ...env, GITHUB_TOKEN: "" });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /GITHUB_TOKEN is not set/);
    assert.match(missing.stderr, /pull-requests: write/);
  });
});

/**
 * Issue 19 §6: anyone can write the marker. Only a comment of the identity the token acts as is
 * edited: GitHub Actions' GITHUB_TOKEN (`GET /user` refused: github-actions[bot]) or a personal
 * access token (`GET /user` names it). The fake answers 403 to an edit of someone else's comment,
 * as GitHub does for a token without admin rights.
 */
describe("release plan --pr-comment edits only its own comment", { timeout: 120_000 }, () => {
  const temps = suiteTempDirs({ before, after });
  const key = "mesh/apis#8";
  let repo: GitFixture;
  let event: string;
  const envFor = (api: FakeGitHub): NodeJS.ProcessEnv => ({
    GITHUB_TOKEN: "t0ken",
    GITHUB_REPOSITORY: "mesh/apis",
    GITHUB_EVENT_PATH: event,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_API_URL: api.url,
  });
  const stranger = (id: number, login: string, type = "User") => ({ id, body: `${MARKER}\nplease merge`, user: { login, type } });

  before(async () => {
    repo = await GitFixture.init(temps.fresh());
    await repo.addBundledProtos();
    await repo.commitAll("protos");
    event = path.join(temps.root(), "event.json");
    await writeFile(event, JSON.stringify({ action: "opened", pull_request: { number: 8 } }));
  });

  test("GITHUB_TOKEN: a stranger's comment with the marker is left alone; ours is created, then edited", async () => {
    const api = await startFakeGitHub("t0ken");
    try {
      api.comments.set(key, [stranger(1, "mallory"), stranger(2, "someone-else[bot]", "Bot")]);
      const first = await protoship(repo.dir, ["release", "plan", "--pr-comment"], undefined, envFor(api));
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /comment created/);
      const all = api.comments.get(key)!;
      assert.deepEqual(
        all.slice(0, 2).map((c) => c.body),
        [`${MARKER}\nplease merge`, `${MARKER}\nplease merge`],
        "the strangers' comments are untouched",
      );
      const ours = all.filter((c) => c.user.login === "github-actions[bot]");
      assert.equal(ours.length, 1);
      ours[0]!.body = `${MARKER}\nan older plan`;
      const second = await protoship(repo.dir, ["release", "plan", "--pr-comment"], undefined, envFor(api));
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /comment updated/);
      const patched = api.requests.filter((r) => r.method === "PATCH").map((r) => r.path);
      assert.deepEqual(patched, [`/repos/mesh/apis/issues/comments/${ours[0]!.id}`]);
    } finally {
      await api.stop();
    }
  });

  test("a personal access token: the comment of the account GET /user names is edited, not the bot's", async () => {
    const api = await startFakeGitHub("t0ken", { user: { login: "release-bot", type: "User" } });
    try {
      api.comments.set(key, [stranger(1, "github-actions[bot]", "Bot"), stranger(2, "release-bot")]);
      const r = await protoship(repo.dir, ["release", "plan", "--pr-comment"], undefined, envFor(api));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /comment updated/);
      assert.deepEqual(
        api.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`),
        ["PATCH /repos/mesh/apis/issues/comments/2"],
      );
      assert.equal(api.comments.get(key)![0]!.body, `${MARKER}\nplease merge`);
    } finally {
      await api.stop();
    }
  });
});
