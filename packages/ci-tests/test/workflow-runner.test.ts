import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { matrixOf, parseAnnotations, parseEnvFile, runJob } from "../src/workflow-runner.ts";
import type { Workflow } from "../src/workflow-files.ts";

/** The runner the end-to-end test relies on behaves as a GitHub runner does, on small workflows. */
describe("workflow runner", () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "protoship-runner-"));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const play = async (yaml: string, payload: Record<string, unknown> = {}, files: Record<string, string> = {}) => {
    const workspace = path.join(tmp, `ws-${Math.random().toString(36).slice(2)}`);
    await mkdir(workspace, { recursive: true });
    for (const [f, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(workspace, f)), { recursive: true });
      await writeFile(path.join(workspace, f), text);
    }
    return runJob(parse(yaml) as Workflow, "j", {
      workspace,
      runnerTemp: path.join(workspace, ".runner"),
      eventName: "pull_request",
      eventPayload: payload,
      github: { base_ref: "main", token: "ghs_t" },
      secrets: { TOKEN: "s3cret" },
      env: { PATH: process.env.PATH },
    });
  };

  it("passes outputs, env files, env: expressions and the event payload between steps", async () => {
    const job = await play(
      `
on: pull_request
env: { LEVEL: workflow }
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - id: first
        run: |
          echo "answer=42" >> "$GITHUB_OUTPUT"
          echo "FROM_ENV_FILE=yes" >> "$GITHUB_ENV"
      - env:
          ANSWER: \${{ steps.first.outputs.answer }}
          LABELLED: \${{ contains(github.event.pull_request.labels.*.name, 'allow-breaking') && 'breaking' || '' }}
          TOKEN: \${{ secrets.TOKEN }}
        run: |
          echo "$ANSWER $FROM_ENV_FILE $LABELLED $TOKEN $LEVEL $GITHUB_BASE_REF $CI $GITHUB_ACTIONS" >> "$GITHUB_STEP_SUMMARY"
          node -e 'console.log(require(process.env.GITHUB_EVENT_PATH).pull_request.number)'
`,
      { pull_request: { number: 7, labels: [{ name: "allow-breaking" }] } },
    );
    assert.equal(job.status, "success", JSON.stringify(job.steps, null, 2));
    assert.equal(job.summary.trim(), "42 yes breaking s3cret workflow main true true");
    assert.equal(job.steps[1]!.output.trim(), "7");
  });

  it("stops after a failing step unless if: asks for failure() or always(); bash runs with -e and pipefail", async () => {
    const job = await play(`
on: pull_request
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: false | true
      - run: echo after
      - if: failure()
        run: echo on-failure
      - if: \${{ always() }}
        run: echo always
      - if: github.base_ref == 'main'
        run: echo never
`);
    assert.equal(job.status, "failure");
    assert.deepEqual(
      job.steps.map((s) => [s.kind, s.output.trim()]),
      [
        ["run", ""],
        ["skipped", ""],
        ["run", "on-failure"],
        ["run", "always"],
        ["skipped", ""],
      ],
    );
  });

  it("expands a local composite action with its inputs and skips third-party actions", async () => {
    const action = `
name: a
inputs:
  who: { default: nobody }
runs:
  using: composite
  steps:
    - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
    - shell: bash
      env: { WHO: "\${{ inputs.who }}" }
      run: echo "hello $WHO"
`;
    const job = await play(
      `
on: pull_request
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/a
        with: { who: reviewer }
`,
      {},
      { ".github/actions/a/action.yml": action },
    );
    assert.equal(job.status, "success");
    assert.deepEqual(
      job.steps.map((s) => [s.kind, s.output.trim()]),
      [
        ["setup", ""],
        ["run", "hello reviewer"],
      ],
    );
  });

  it("a composite action's input defaults are expressions and its working-directory is interpolated", async () => {
    const action = `
name: a
inputs:
  dir: { default: "\${{ github.base_ref }}-dir" }
  token: { default: "\${{ github.token }}" }
runs:
  using: composite
  steps:
    - shell: bash
      working-directory: \${{ inputs.dir }}
      env: { TOKEN: "\${{ inputs.token }}" }
      run: echo "$(basename "$PWD") $TOKEN \${GITHUB_TOKEN:-no-env-token}"
`;
    const job = await play(
      "on: pull_request\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/a\n",
      {},
      { ".github/actions/a/action.yml": action, "main-dir/.keep": "" },
    );
    assert.equal(job.status, "success", JSON.stringify(job.steps));
    assert.equal(job.steps[0]!.output.trim(), "main-dir ghs_t no-env-token");
  });

  it("a matrix job: needs.<job>.outputs, fromJSON matrices expanded, matrix values in steps; actions/cache saves, actions/cache/restore only restores", async () => {
    const yaml = `
on: pull_request
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: echo 'matrix={"shard":["1/2","2/2"]}' >> "$GITHUB_OUTPUT"
      - uses: actions/cache@v4
        with: { path: made, key: k }
      - run: echo planned > made
  work:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - uses: actions/cache/restore@v4
        with: { path: made, key: k }
      - env: { SHARD: "\${{ matrix.shard }}" }
        run: |
          echo "$SHARD $(cat made)" >> "$GITHUB_STEP_SUMMARY"
          echo changed > made
`;
    const workflow = parse(yaml) as Workflow;
    const cacheDir = path.join(tmp, "cache");
    const job = async (
      id: string,
      more: {
        matrix?: Record<string, unknown>;
        needs?: Record<string, { outputs: Record<string, string>; result: "success" | "failure" }>;
      } = {},
    ) => {
      const workspace = path.join(tmp, `ws-${Math.random().toString(36).slice(2)}`);
      await mkdir(workspace, { recursive: true });
      return runJob(workflow, id, {
        workspace,
        runnerTemp: path.join(workspace, ".runner"),
        eventName: "pull_request",
        eventPayload: {},
        github: {},
        env: { PATH: process.env.PATH },
        cacheDir,
        ...more,
      });
    };
    const plan = await job("plan");
    assert.equal(plan.status, "success");
    assert.deepEqual(plan.outputs, { matrix: '{"shard":["1/2","2/2"]}' });
    const needs = { plan: { outputs: plan.outputs, result: plan.status } };
    const entries = matrixOf(workflow, "work", { needs });
    assert.deepEqual(entries, [{ shard: "1/2" }, { shard: "2/2" }]);
    const summaries = [];
    for (const matrix of entries) summaries.push((await job("work", { matrix, needs })).summary.trim());
    // Each job restored what plan saved; neither saved its change back.
    assert.deepEqual(summaries, ["1/2 planned", "2/2 planned"]);
    assert.deepEqual(matrixOf(workflow, "plan"), [{}]);
    assert.throws(
      () => matrixOf(parse("on: push\njobs:\n  j:\n    strategy:\n      matrix:\n        include: [{a: 1}]\n") as Workflow, "j"),
      /not supported/,
    );
  });

  it("parses annotations and environment files as GitHub does", () => {
    assert.deepEqual(parseAnnotations("x\n::error file=a%2Cb.proto,line=3,title=R%3A1::bad%0Aline\n::warning::w\n"), [
      { level: "error", properties: { file: "a,b.proto", line: "3", title: "R:1" }, message: "bad\nline" },
      { level: "warning", properties: {}, message: "w" },
    ]);
    assert.deepEqual(parseEnvFile("a=1=2\nb<<EOF\nx\ny\nEOF\n"), { a: "1=2", b: "x\ny" });
  });
});
