import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { PROTOSHIP_BIN, run, startFakeGitHub, startVerdaccio, type FakeGitHub, type VerdaccioRegistry } from "@protoship/testkit";
import { checkout, git, pullRequestPayload, runnerToolsDir } from "../src/github-sim.ts";
import { REPO_ROOT, loadWorkflow } from "../src/workflow-files.ts";
import { describeJob, matrixOf, runJob, type JobContext, type JobResult } from "../src/workflow-runner.ts";

/**
 * The whole pipeline on this machine: a clone of this repository with a bare remote, a pull
 * request (a breaking change, then an additive one) played through the pull-request workflow's
 * run: steps with and without the allow-breaking label, a merge, and the release workflow's jobs
 * against a Verdaccio registry on 127.0.0.1; then the published package is installed and called.
 *
 * Off GitHub: third-party `uses:` steps are stood in for (actions/cache by a folder, setup-node's
 * .npmrc by one for Verdaccio) or skipped (checkout is done beforehand, as GitHub would; Pages
 * upload and deploy are not played), and the publish job runs without GITHUB_ACTIONS so npm does not
 * ask GitHub's OIDC service for a provenance signature.
 */
describe("the pipeline, played end to end", { timeout: 600_000 }, () => {
  let tmp: string;
  let remote: string;
  let dev: string;
  let env: NodeJS.ProcessEnv;
  let registry: VerdaccioRegistry;
  /** GitHub's REST API for the release plan's pull-request comment. */
  let api: FakeGitHub;
  let jobs = 0;
  const timings: string[] = [];
  const pnpmVersion = "12.21.0";

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "protoship-pipeline-"));
    registry = await startVerdaccio();
    api = await startFakeGitHub("ghs_job_token");
    remote = path.join(tmp, "remote.git");
    // The repository as committed, as GitHub holds it.
    // The branch checked out here (a worktree's own branch), as main: its workflows are the ones played.
    const branch = await git(REPO_ROOT, "rev-parse", "--abbrev-ref", "HEAD");
    const source = branch === "HEAD" ? "main" : branch;
    await git(tmp, "clone", "-q", "--bare", "--no-tags", "--single-branch", "--branch", source, REPO_ROOT, remote);
    if (source !== "main") await git(remote, "branch", "-m", source, "main");
    dev = path.join(tmp, "dev");
    await git(tmp, "clone", "-q", remote, dev);
    await git(dev, "config", "user.name", "Mesh Developer");
    await git(dev, "config", "user.email", "dev@mesh.invalid");
    await git(dev, "config", "commit.gpgsign", "false");
    // A warm turbo cache, as actions/cache restores it from an earlier run (turbo still checks every hash).
    const turboCache = path.join(REPO_ROOT, ".turbo/cache");
    if (existsSync(turboCache)) await cp(turboCache, path.join(tmp, "actions-cache/.turbo/cache"), { recursive: true });
    const tools = await runnerToolsDir(path.join(tmp, "tools"), pnpmVersion);
    // A runner's environment: no git identity, no npm/pnpm/GitHub variables of the process running the tests.
    const gitconfig = path.join(tmp, "runner.gitconfig");
    await writeFile(gitconfig, "");
    env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|PNPM_|GITHUB_|RUNNER_|INIT_CWD$|TURBO_|GIT_)/i.test(k)),
    );
    Object.assign(env, { PATH: `${tools}${path.delimiter}${process.env.PATH}`, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: "1" });
  });

  after(async () => {
    // Where the time goes, in the test's output (step wall times per job).
    console.log(`# pipeline step timings\n${timings.map((t) => `#   ${t}`).join("\n")}`);
    await registry?.stop();
    await api?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Plays one job of a workflow in a fresh checkout, as a runner would. */
  async function play(
    workflow: string,
    jobId: string,
    ref: { pullMerge: string } | { branch: string },
    event: { name: string; payload: Record<string, unknown>; github: Record<string, string> },
    more: Pick<JobContext, "matrix" | "needs"> = {},
  ): Promise<JobResult & { workspace: string }> {
    const workspace = path.join(tmp, `job-${++jobs}-${jobId}`);
    const sha = await checkout(remote, workspace, ref);
    const result = await runJob(loadWorkflow(workflow, workspace).doc, jobId, {
      workspace,
      runnerTemp: path.join(tmp, `runner-temp-${jobs}`),
      eventName: event.name,
      eventPayload: event.payload,
      github: { sha, repository: "mesh/apis", api_url: api.url, token: "ghs_job_token", ...event.github },
      secrets: { NPM_TOKEN: registry.token },
      env,
      cacheDir: path.join(tmp, "actions-cache"),
      ...(jobId === "publish" ? { overrideEnv: { GITHUB_ACTIONS: "" } } : {}),
      actions: { "actions/setup-node": setupNode },
      ...more,
    });
    timings.push(
      `${workflow} ${jobId}: ${result.status}; ${result.steps
        .filter((s) => s.kind === "run")
        .map((s) => `${s.name.slice(0, 40)} ${((s.ms ?? 0) / 1000).toFixed(1)}s`)
        .join(", ")}`,
    );
    return { ...result, workspace };
  }

  /**
   * actions/setup-node with registry-url: an .npmrc whose token is ${NODE_AUTH_TOKEN}. Verdaccio
   * stands in for npmjs for the @mesh scope only, so the job's frozen install still resolves
   * everything else as on GitHub (from the pnpm store here).
   */
  async function setupNode(inputs: Record<string, string>, runnerTemp: string): Promise<Record<string, string>> {
    if (!inputs["registry-url"]) return {};
    assert.equal(inputs["registry-url"], "https://registry.npmjs.org");
    const npmrc = path.join(runnerTemp, ".npmrc");
    const host = registry.url.replace(/^https?:/, "");
    await writeFile(npmrc, `${host}:_authToken=\${NODE_AUTH_TOKEN}\n@mesh:registry=${registry.url}\n`);
    return { NPM_CONFIG_USERCONFIG: npmrc, npm_config_cache: path.join(tmp, "npm-cache") };
  }

  const stepOutput = (job: JobResult, needle: string): string =>
    job.steps.find((s) => s.name.includes(needle))?.output ?? `(no step ${needle})`;
  const pushEvent = { name: "push", payload: { ref: "refs/heads/main" }, github: { ref: "refs/heads/main", ref_name: "main" } };

  it("main as cloned: the release workflow tags and publishes the first release", async () => {
    const tag = await play("release.yml", "tag", { branch: "main" }, pushEvent);
    assert.equal(tag.status, "success", describeJob(tag));
    const tags = (await git(remote, "tag", "--list")).split("\n");
    assert.ok(tags.includes("@mesh/probe-v1@1.0.0"), tags.join(" "));
    const publish = await play("release.yml", "publish", { branch: "main" }, pushEvent);
    assert.equal(publish.status, "success", describeJob(publish));
    assert.match(stepOutput(publish, "protoship publish"), /5 published/);
  });

  let mergeSha: string;
  it("a pull request with a breaking change fails without the allow-breaking label", async (t) => {
    await git(dev, "fetch", "-q", "--tags", "origin");
    await git(dev, "checkout", "-q", "-b", "probe-v2");
    const probe = path.join(dev, "protos/mesh/probe/v1/probe.proto");
    const before = await readFile(probe, "utf8");
    const after = before.replace(/ {2}\/\/ WatchProbe [\s\S]*?rpc WatchProbe\([^\n]*\n/, "");
    assert.notEqual(after, before);
    await writeFile(probe, after);
    await git(dev, "commit", "-q", "-am", "probe: drop WatchProbe");
    const heartbeat = path.join(dev, "protos/mesh/heartbeat/v1/heartbeat.proto");
    const hb = await readFile(heartbeat, "utf8");
    await writeFile(
      heartbeat,
      hb.replace(
        "message GetStatusRequest {}",
        "message GetStatusRequest {\n  // Only this pod's status, when set.\n  string pod_name = 1;\n}",
      ),
    );
    // The stubs are committed here: a proto change comes with its regenerated stubs (the action's generate --check).
    const regenerated = await run(process.execPath, [PROTOSHIP_BIN, "generate"], { cwd: dev });
    assert.equal(regenerated.code, 0, regenerated.stderr);
    await git(dev, "add", "-A");
    await git(dev, "commit", "-q", "-m", "heartbeat: ask for one pod's status; stubs regenerated");
    await git(dev, "push", "-q", "origin", "probe-v2");
    // GitHub's refs/pull/1/merge: the PR merged into its base, what the workflow checks out.
    const baseSha = await git(dev, "rev-parse", "origin/main");
    const headSha = await git(dev, "rev-parse", "HEAD");
    await git(dev, "checkout", "-q", "--detach", baseSha);
    await git(dev, "merge", "-q", "--no-ff", "-m", "Merge probe-v2 into main", "probe-v2");
    mergeSha = await git(dev, "rev-parse", "HEAD");
    await git(dev, "push", "-q", "origin", "HEAD:refs/pull/1/merge");
    await git(dev, "checkout", "-q", "probe-v2");

    const event = (labels: string[], action: string) => ({
      name: "pull_request",
      payload: pullRequestPayload({ number: 1, base: "main", head: "probe-v2", baseSha, headSha, labels, action }),
      github: { ref: "refs/pull/1/merge", base_ref: "main", head_ref: "probe-v2" },
    });
    const job = await play("pull-request.yml", "checks", { pullMerge: "refs/pull/1/merge" }, event(["documentation"], "opened"));
    assert.equal(job.status, "failure", describeJob(job));
    t.diagnostic(`job summary:\n${job.summary}`);
    t.diagnostic(
      `annotations:\n${job.annotations.map((a) => `${a.level} ${a.properties.file}:${a.properties.line} ${a.message}`).join("\n")}`,
    );
    // The breaking change is an inline error on the proto file; the check step is what failed.
    const breaking = job.annotations.filter((a) => a.level === "error" && a.properties.file === "protos/mesh/probe/v1/probe.proto");
    assert.ok(breaking.length > 0 && breaking.some((a) => /WatchProbe/.test(a.message)), JSON.stringify(job.annotations, null, 2));
    const check = job.steps.find((s) => s.name.startsWith("protoship check"))!;
    assert.equal(check.code, 1, check.output);
    assert.equal(job.steps.find((s) => s.name === "Build the docs site")?.kind, "skipped", "steps after the failed check are skipped");
    // The reviewer's summary: what merging releases, and why.
    assert.match(job.summary, /the `allow-breaking` label/);
    assert.match(job.summary, /\| `@mesh\/probe-v1` \| `mesh\.probe\.v1` \| 1\.0\.0 \| \*\*2\.0\.0\*\* \| major \|/);
    assert.match(job.summary, /\*\*breaking\*\*: removed RPC `WatchProbe`/);
    assert.match(job.summary, /@mesh\/heartbeat-v1/);
    assert.match(job.summary, /\*\*1\.1\.0\*\*/);
    // The same plan as the pull request's one comment.
    const comments = api.comments.get("mesh/apis#1") ?? [];
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /<!-- protoship-release-plan -->[\s\S]*\*\*2\.0\.0\*\*/);
  });

  it("with the allow-breaking label the pull request passes: docs built, the stub matrix is one job", async () => {
    const baseSha = await git(dev, "rev-parse", "origin/main");
    const headSha = await git(dev, "rev-parse", "probe-v2");
    const prEvent = {
      name: "pull_request",
      payload: pullRequestPayload({
        number: 1,
        base: "main",
        head: "probe-v2",
        baseSha,
        headSha,
        labels: ["allow-breaking"],
        action: "labeled",
      }),
      github: { ref: "refs/pull/1/merge", base_ref: "main", head_ref: "probe-v2" },
    };
    const job = await play("pull-request.yml", "checks", { pullMerge: "refs/pull/1/merge" }, prEvent);
    assert.equal(job.status, "success", describeJob(job));
    assert.equal(await git(job.workspace, "rev-parse", "HEAD"), mergeSha);
    assert.deepEqual(
      job.annotations.filter((a) => a.level === "error"),
      [],
    );
    assert.match(job.summary, /\*\*2\.0\.0\*\*/);
    assert.ok(job.steps.every((s) => s.kind !== "skipped"));
    assert.equal(stepOutput(job, "protoship generate --check").trim().split("\n").pop(), "5 stub packages up to date");
    assert.equal((api.comments.get("mesh/apis#1") ?? []).length, 1, "still one comment");
    assert.ok(existsSync(path.join(job.workspace, "site/index.html")));
    // The stub packages are built in the stubs matrix job; its matrix: 5 packages, under ci.shardAbove, one job.
    const shards = await play("pull-request.yml", "shards", { pullMerge: "refs/pull/1/merge" }, prEvent);
    assert.equal(shards.status, "success", describeJob(shards));
    assert.equal(stepOutput(shards, "protoship ci matrix").trim(), '{"shard":["1/1"]}');
    // The planning job saved the compiled image for the stubs jobs (actions/cache).
    const saved = path.join(tmp, "actions-cache/node_modules/.cache/protoship");
    assert.ok(existsSync(saved) && (await readdir(saved)).some((f) => /^image-\w+\.binpb$/.test(f)), "the image cache was saved");
    // Each matrix entry: its shard generated (nothing changes: the PR committed its stubs), built and tested.
    const needs = { shards: { outputs: shards.outputs, result: shards.status } };
    const entries = matrixOf(loadWorkflow("pull-request.yml", shards.workspace).doc, "stubs", { needs });
    assert.deepEqual(entries, [{ shard: "1/1" }]);
    for (const matrix of entries) {
      const stubs = await play("pull-request.yml", "stubs", { pullMerge: "refs/pull/1/merge" }, prEvent, { matrix, needs });
      assert.equal(stubs.status, "success", describeJob(stubs));
      assert.equal(await git(stubs.workspace, "status", "--porcelain"), "", "the shard's stubs are the committed ones");
      const tasks = /Tasks:\s+(\d+) successful, (\d+) total/.exec(stepOutput(stubs, "Build and test this shard"));
      assert.ok(tasks && tasks[1] === tasks[2] && Number(tasks[1]) >= 5, describeJob(stubs));
    }
  });

  it("merged: the release workflow tags 2.0.0 and 1.1.0, publishes them, and builds the docs site", async () => {
    await git(dev, "checkout", "-q", "main");
    await git(dev, "merge", "-q", "--ff-only", "probe-v2");
    await git(dev, "push", "-q", "origin", "main");

    const tag = await play("release.yml", "tag", { branch: "main" }, pushEvent);
    assert.equal(tag.status, "success", describeJob(tag));
    const main = await git(remote, "rev-parse", "main");
    const atMain = (await git(remote, "tag", "--points-at", main)).split("\n").sort();
    assert.deepEqual(atMain, ["@mesh/heartbeat-v1@1.1.0", "@mesh/probe-v1@2.0.0"]);
    assert.match(tag.summary, /\*\*2\.0\.0\*\*/);

    const publish = await play("release.yml", "publish", { branch: "main" }, pushEvent);
    assert.equal(publish.status, "success", describeJob(publish));
    assert.match(stepOutput(publish, "protoship publish"), /published @mesh\/probe-v1@2\.0\.0/);
    assert.match(stepOutput(publish, "protoship publish"), /2 published/);

    const docs = await play("release.yml", "docs", { branch: "main" }, pushEvent);
    assert.equal(docs.status, "success", describeJob(docs));
    const index = await readFile(path.join(docs.workspace, "site/index.html"), "utf8");
    assert.match(index, /mesh\.probe\.v1/);
    const pages = await readdir(path.join(docs.workspace, "site"), { recursive: true });
    const html = await Promise.all(
      pages.filter((p) => p.endsWith(".html")).map((p) => readFile(path.join(docs.workspace, "site", p), "utf8")),
    );
    assert.ok(
      html.some((h) => h.includes("2.0.0") && h.includes("WatchProbe")),
      "the docs changelog shows 2.0.0 and why",
    );
    const setup = docs.steps.filter((s) => s.kind === "setup").map((s) => s.name.split("@")[0]);
    assert.ok(setup.includes("actions/upload-pages-artifact"));

    const deploy = await play("release.yml", "deploy-docs", { branch: "main" }, pushEvent);
    assert.deepEqual(
      deploy.steps.map((s) => [s.kind, s.name.split("@")[0]]),
      [["setup", "actions/deploy-pages"]],
    );
  });

  it("the published 2.0.0 stubs, installed from the registry, call a real mesh server", async () => {
    // The server is packages/mesh-services on the workspace's built stubs (pnpm test builds them first).
    assert.ok(
      existsSync(path.join(REPO_ROOT, "packages/stubs/grpc-health-v1/dist/esm/index.js")),
      "build the workspace first (pnpm test does): the mesh server runs on the built stubs",
    );
    const app = path.join(tmp, "app");
    await mkdir(app);
    // The registry has no uplinks: seed the stubs' one runtime dependency from the local install.
    const protobuf = path.join(tmp, "protobuf");
    await cp(await realpath(path.join(REPO_ROOT, "node_modules/@bufbuild/protobuf")), protobuf, { recursive: true });
    const seeded = await run("npm", ["publish", "--ignore-scripts", "--tag", "latest"], { cwd: protobuf, env: registry.env });
    assert.equal(seeded.code, 0, seeded.stderr);
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const install = await run(
      "npm",
      ["install", "--legacy-peer-deps", "--no-package-lock", "@mesh/probe-v1@^2", "@mesh/heartbeat-v1@^1.1.0"],
      { cwd: app, env: registry.env },
    );
    assert.equal(install.code, 0, install.stderr);
    // @grpc/grpc-js is the stubs' peer dependency: the app brings it (here: the monorepo's copy).
    await mkdir(path.join(app, "node_modules/@grpc"), { recursive: true });
    await symlink(await realpath(path.join(REPO_ROOT, "node_modules/@grpc/grpc-js")), path.join(app, "node_modules/@grpc/grpc-js"), "dir");
    await writeFile(
      path.join(app, "client.mjs"),
      `import { readFileSync } from "node:fs";
import { credentials } from "@grpc/grpc-js";
import { ProbeServiceClient } from "@mesh/probe-v1";
import { GetStatusRequest } from "@mesh/heartbeat-v1";
const client = new ProbeServiceClient(process.argv[2], credentials.createInsecure());
const probe = await new Promise((resolve, reject) => client.probe({ target: { service: "api", port: 8080, path: "/healthz" } }, (e, r) => (e ? reject(e) : resolve(r))));
console.log(JSON.stringify({
  version: JSON.parse(readFileSync("node_modules/@mesh/probe-v1/package.json", "utf8")).version,
  watchProbe: typeof client.watchProbe,
  podName: "podName" in GetStatusRequest.fromPartial({}),
  outcome: probe.outcome,
}));
process.exit(0);
`,
    );
    const { startMeshServer } = await import("../../mesh-services/src/index.ts");
    const server = await startMeshServer({
      probedFrom: { dataCentre: "dc-e2e", cluster: "c-e2e" },
      prober: async () => ({ status: 1, code: 200, failedHop: 0, detail: "through the 2.0.0 stubs", latency: undefined }),
    });
    try {
      const r = await run(process.execPath, ["client.mjs", server.address], { cwd: app });
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout) as {
        version: string;
        watchProbe: string;
        podName: boolean;
        outcome: { status: number; detail: string };
      };
      assert.equal(got.version, "2.0.0");
      assert.equal(got.watchProbe, "undefined", "the removed RPC is gone from the 2.0.0 client");
      assert.equal(got.podName, true, "heartbeat 1.1.0 has the new field");
      assert.deepEqual([got.outcome.status, got.outcome.detail], [1, "through the 2.0.0 stubs"]);
    } finally {
      await server.close();
    }
  });
});
