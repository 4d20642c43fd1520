import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  LEGACY_PACKAGES,
  cleanEnv,
  pnpmBinary,
  publishToolchain,
  run,
  startVerdaccio,
  writeLegacyApi,
  type LegacyLayout,
  type RunResult,
  type VerdaccioRegistry,
} from "@protoship/testkit";
import { loadWorkflow } from "../src/workflow-files.ts";
import { describeJob, matrixOf, runJob, type JobContext, type JobResult } from "../src/workflow-runner.ts";

/**
 * What a new team does, outside this workspace: protoship's toolchain is published (pnpm pack, as
 * the release workflow does) to a Verdaccio registry on 127.0.0.1 that also holds every third-party
 * package it needs, taken from this repository's install, so nothing leaves the machine. Then, in a
 * fresh git repository with two proto packages: `npm i -D protoship`, `protoship init`, a push
 * refused for a breaking change and one accepted, generate, release tag, publish; a second project
 * installs the stub package and makes a gRPC call with it; docs. The same install and init with pnpm.
 *
 * With PROTOSHIP_BENCH_OUT set (scripts/bench/adoption.mjs), it also installs @bufbuild/buf alone
 * and writes the timings and installed sizes there as JSON.
 */
describe("a new team adopts protoship from the registry", { timeout: 1_800_000 }, () => {
  let tmp: string;
  let registry: VerdaccioRegistry;
  let env: NodeJS.ProcessEnv;
  let app: string;
  let remote: string;
  const bench: Record<string, unknown> = {};

  const sh = async (
    cwd: string,
    cmd: string,
    args: readonly string[],
    options: { ok?: boolean; env?: NodeJS.ProcessEnv } = {},
  ): Promise<RunResult> => {
    const r = await run(cmd, args, { cwd, env: { ...env, ...options.env } });
    if (options.ok !== false) assert.equal(r.code, 0, `${cmd} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const git = (cwd: string, ...args: string[]) => sh(cwd, "git", args);
  const protoship = (cwd: string, args: readonly string[], ok = true) =>
    sh(cwd, path.join(cwd, "node_modules/.bin/protoship"), args, { ok });

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "protoship-adoption-"));
    registry = await startVerdaccio();
    const started = Date.now();
    const { manifests, seeded } = await publishToolchain(registry);
    bench.seed = { packages: seeded.published.length, megabytes: seeded.bytes / 1e6, seconds: (Date.now() - started) / 1000 };
    for (const m of manifests)
      assert.doesNotMatch(JSON.stringify(m), /workspace:/, `${(m as { name: string }).name} was packed with a workspace: range`);
    const gitconfig = path.join(tmp, "gitconfig");
    await writeFile(
      gitconfig,
      "[user]\n\tname = New Team\n\temail = team@acme.invalid\n[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n",
    );
    // Only this registry: npm, pnpm and protoship publish all read these.
    env = { ...cleanEnv(), ...registry.env, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: "1" };
    remote = path.join(tmp, "remote.git");
    await git(tmp, "init", "-q", "--bare", remote);
    app = await newProtoRepo(path.join(tmp, "acme-apis"));
  });

  after(async () => {
    bench.loadAverage = os.loadavg()[0];
    console.log(`# adoption: ${JSON.stringify(bench)}`);
    if (process.env.PROTOSHIP_BENCH_OUT) await writeFile(process.env.PROTOSHIP_BENCH_OUT, `${JSON.stringify(bench, null, 2)}\n`);
    await registry?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("npm i -D protoship, init, a push refused for a breaking change and accepted for an additive one", async () => {
    const started = Date.now();
    await sh(app, "npm", ["install", "--save-dev", "protoship"]);
    bench.npmInstallSeconds = (Date.now() - started) / 1000;
    bench.installed = await installedSize(path.join(app, "node_modules"));
    const version = await protoship(app, ["--version"]);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);

    const init = await protoship(app, ["init"]);
    assert.match(init.stdout, /created buf\.yaml/);
    assert.match(await readFile(path.join(app, "buf.yaml"), "utf8"), /- path: protos\n/);
    assert.match(await readFile(path.join(app, "protoship.yaml"), "utf8"), /scope: "@acme"/);
    assert.deepEqual(JSON.parse(await readFile(path.join(app, "package.json"), "utf8")).workspaces, ["packages/stubs/*"]);
    // The stub toolchain init added, and the prepare script that keeps the hook installed.
    await sh(app, "npm", ["install"]);
    const hook = await readFile(path.join(app, ".git/hooks/pre-push"), "utf8");
    assert.match(hook, /node_modules\/\.bin\/protoship"\n[\s\S]*check --pre-push/);
    const again = await protoship(app, ["init"]);
    assert.doesNotMatch(again.stdout, /^(created|updated)/m, "a second init changes nothing");

    await git(app, "add", "-A");
    await git(app, "commit", "-q", "-m", "protos and protoship");
    await git(app, "remote", "add", "origin", remote);
    const first = await sh(app, "git", ["push", "-q", "-u", "origin", "main"]);
    bench.secondsToFirstAcceptedPush = (Date.now() - started) / 1000;
    assert.equal(first.code, 0);

    // Breaking: a field removed. The installed hook refuses the push and names buf's rule.
    const blob = path.join(app, "protos/acme/common/v1/blob.proto");
    const original = await readFile(blob, "utf8");
    await writeFile(blob, original.replace("  string name = 1;\n", ""));
    await git(app, "commit", "-q", "-am", "drop Blob.name");
    const refused = await sh(app, "git", ["push", "origin", "main"], { ok: false });
    assert.notEqual(refused.code, 0, "the breaking push was accepted");
    assert.match(refused.stderr + refused.stdout, /FIELD_NO_DELETE/);
    assert.equal((await git(remote, "rev-parse", "main")).stdout, (await git(app, "rev-parse", "HEAD~1")).stdout);

    // Additive: the same commit replaced by a new field. Accepted.
    await git(app, "reset", "-q", "--hard", "HEAD~1");
    await writeFile(blob, original.replace("  bytes data = 2;\n", "  bytes data = 2;\n  string content_type = 3;\n"));
    await git(app, "commit", "-q", "-am", "add Blob.content_type");
    await sh(app, "git", ["push", "-q", "origin", "main"]);
  });

  it("generate, release tag, publish; another project installs the stubs and calls the service over gRPC", async () => {
    const generated = await protoship(app, ["generate"]);
    assert.match(generated.stdout, /@acme\/common-v1/);
    // Nothing generated names the repository protoship came from.
    const stubs = path.join(app, "packages/stubs");
    for (const pkg of await readdir(stubs)) {
      if (pkg.startsWith(".")) continue;
      const turbo = await readFile(path.join(stubs, pkg, "turbo.json"), "utf8");
      assert.doesNotMatch(turbo, /protoship#build|packages\/cli/);
      const manifest = JSON.parse(await readFile(path.join(stubs, pkg, "package.json"), "utf8")) as {
        devDependencies: Record<string, string>;
      };
      assert.ok(manifest.devDependencies["@types/node"], `${pkg} builds with Node's types`);
    }
    // The stub packages are npm workspaces of the root (init added them): they share the root's one
    // TypeScript (its pin is in every stub's range) and each builds.
    await sh(app, "npm", ["install"]);
    // No stub package holds a TypeScript of its own, and each resolves the root's copy. Copies that
    // tools keep for themselves deeper in node_modules (protoplugin pins its own) are not the stubs'.
    const inStubs = await sh(app, "find", ["-L", "packages", "-path", "*/typescript/package.json"]);
    assert.equal(inStubs.stdout.trim(), "", "no stub package holds its own TypeScript");
    const stubDirs = (await readdir(path.join(app, "packages/stubs"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(app, "packages/stubs", entry.name));
    assert.ok(stubDirs.length >= 2, stubDirs.join(", "));
    for (const dir of stubDirs) {
      const resolved = await sh(dir, process.execPath, ["-p", "require.resolve('typescript/package.json')"]);
      assert.equal(resolved.stdout.trim(), path.join(app, "node_modules/typescript/package.json"), `${dir}: one TypeScript for the stubs`);
    }
    await sh(app, "npm", ["run", "build", "--workspaces"]);
    await git(app, "add", "-A");
    await git(app, "commit", "-q", "-m", "stubs");
    await sh(app, "git", ["push", "-q", "origin", "main"]);

    const tagged = await protoship(app, ["release", "tag"]);
    assert.match(tagged.stdout, /@acme\/files-v1@1\.0\.0/);
    assert.match((await git(remote, "tag", "--list")).stdout, /@acme\/common-v1@1\.0\.0/);
    // acme.common.v1 has bytes fields and no service: it builds with @types/node (Buffer).
    const published = await protoship(app, ["publish"]);
    assert.match(published.stdout, /2 published/);

    const client = path.join(tmp, "client");
    await mkdir(client);
    await writeFile(path.join(client, "package.json"), `${JSON.stringify({ name: "client", private: true, type: "module" })}\n`);
    await sh(client, "npm", ["install", "@acme/files-v1@1.0.0", "@grpc/grpc-js"]);
    await writeFile(path.join(client, "call.mjs"), CALL_SCRIPT);
    const call = await sh(client, process.execPath, ["call.mjs"]);
    assert.deepEqual(JSON.parse(call.stdout), { name: "report.pdf", data: "%PDF", contentType: "application/pdf" });
  });

  it("protoship docs writes a site", async () => {
    await protoship(app, ["docs"]);
    const index = await readFile(path.join(app, "site/index.html"), "utf8");
    assert.match(index, /acme\.files\.v1/);
  });

  it("init's pull-request workflow checks the committed stubs in a matrix: one compile, a job a shard; a stale stub fails its shard", {
    timeout: 400_000,
  }, async () => {
    // Above ci.shardAbove stub packages (1 here, for 2 packages) the check is a matrix of ci.shards jobs.
    const config = path.join(app, "protoship.yaml");
    await writeFile(config, `${await readFile(config, "utf8")}\nci:\n  shardAbove: 1\n  shards: 2\n`);
    await git(app, "commit", "-q", "-am", "ci: the stubs check in 2 shards");
    await git(app, "push", "-q", "origin", "main");
    const cacheDir = path.join(tmp, "actions-cache");
    let jobs = 0;
    // A job of the workflow init wrote, in a fresh clone of main, as a runner plays it.
    const play = async (jobId: string, more: Pick<JobContext, "matrix" | "needs"> = {}) => {
      const workspace = path.join(tmp, `job-${++jobs}-${jobId}`);
      await git(tmp, "clone", "-q", remote, workspace);
      const sha = (await git(workspace, "rev-parse", "HEAD")).stdout.trim();
      const workflow = loadWorkflow("protoship-pull-request.yml", workspace).doc;
      const result = await runJob(workflow, jobId, {
        workspace,
        runnerTemp: path.join(tmp, `runner-temp-${jobs}`),
        eventName: "pull_request",
        eventPayload: { pull_request: { number: 1, base: { ref: "main" } } },
        github: { sha, repository: "acme/apis", ref: "refs/pull/1/merge", base_ref: "main", head_ref: "topic" },
        env,
        cacheDir,
        ...more,
      });
      return { ...result, workspace, workflow };
    };
    const step = (job: JobResult, needle: string) => job.steps.find((s) => s.name.includes(needle));

    const plan = await play("stub-shards");
    assert.equal(plan.status, "success", describeJob(plan));
    assert.equal(plan.outputs.matrix, '{"shard":["1/2","2/2"]}');
    // The planning job compiled the module and saved the image for the shard jobs.
    const saved = path.join(cacheDir, "node_modules/.cache/protoship");
    assert.ok(existsSync(saved) && (await readdir(saved)).some((f) => /^image-\w+\.binpb$/.test(f)), "the image cache was saved");
    const needs = { "stub-shards": { outputs: plan.outputs, result: plan.status } };
    const entries = matrixOf(plan.workflow, "stubs", { needs });
    assert.deepEqual(entries, [{ shard: "1/2" }, { shard: "2/2" }]);
    for (const matrix of entries) {
      const job = await play("stubs", { matrix, needs });
      assert.equal(job.status, "success", describeJob(job));
      assert.match(step(job, "committed stub packages")?.output ?? "", /1 stub package up to date/);
    }

    // A hand edit to one generated file: the shard that holds its package fails and names it, the other passes.
    const shards = JSON.parse((await protoship(app, ["generate", "--list-shards", "2"])).stdout) as {
      shards: { shard: string; packages: string[] }[];
    };
    const holder = shards.shards.find((s) => s.packages.includes("@acme/files-v1"))!.shard;
    const file = path.join(app, "packages/stubs/files-v1/src/acme/files/v1/files.ts");
    await writeFile(file, `${await readFile(file, "utf8")}// edited by hand\n`);
    await git(app, "commit", "-q", "-am", "a hand edit to a generated file");
    await git(app, "push", "-q", "origin", "main");
    for (const matrix of entries) {
      const job = await play("stubs", { matrix, needs });
      const check = step(job, "committed stub packages");
      if (matrix.shard === holder) {
        assert.equal(job.status, "failure", describeJob(job));
        assert.equal(check?.code, 1, describeJob(job));
        assert.match(check?.output ?? "", /@acme\/files-v1/);
      } else {
        assert.equal(job.status, "success", describeJob(job));
      }
    }
  });

  it("the same install and init with pnpm", async () => {
    const pnpm = await pnpmBinary();
    const repo = await newProtoRepo(path.join(tmp, "pnpm-apis"));
    const pnpmEnv = { npm_config_store_dir: path.join(tmp, "pnpm-store") };
    // pnpm fails an install that skips a dependency's build script unless told; protoship runs
    // buf's platform binary itself, so buf's postinstall is not needed (README: the pnpm command).
    await sh(repo, pnpm, ["add", "--save-dev", "protoship", "--allow-build=!@bufbuild/buf"], { env: pnpmEnv });
    const init = await protoship(repo, ["init"]);
    assert.match(init.stdout, /created \.github\/workflows\/protoship-pull-request\.yml/);
    assert.match(
      await readFile(path.join(repo, ".github/workflows/protoship-pull-request.yml"), "utf8"),
      /pnpm@[\d.]+ install --frozen-lockfile/,
    );
    // init told pnpm which dependency build scripts to skip (pnpm fails an install over unapproved ones).
    assert.match(await readFile(path.join(repo, "pnpm-workspace.yaml"), "utf8"), /allowBuilds:[\s\S]*protobufjs: false/);
    // The developer's own `pnpm install` after init (not CI: with CI=true pnpm would insist on the old lockfile).
    await sh(repo, pnpm, ["install", "--no-frozen-lockfile"], { env: pnpmEnv });
    assert.ok(existsSync(path.join(repo, ".git/hooks/pre-push")), "pnpm install ran the prepare script that installs the hook");
    await git(repo, "add", "-A");
    await git(repo, "commit", "-q", "-m", "protos and protoship");
    const bare = path.join(tmp, "pnpm-remote.git");
    await git(tmp, "init", "-q", "--bare", bare);
    await git(repo, "remote", "add", "origin", bare);
    // The hook pnpm's install put in place runs the pnpm-installed CLI: it checks the first push...
    // (git gives a pre-push hook the push's own stdout and stderr)
    const pushed = await sh(repo, "git", ["push", "-u", "origin", "main"]);
    assert.match(pushed.stdout + pushed.stderr, /✔ (all )?\d+ \.proto files? checked( \(buf configuration changed\))?, no findings/);
    // ...and refuses a breaking one, naming buf's rule; the remote keeps its commit.
    const blob = path.join(repo, "protos/acme/common/v1/blob.proto");
    await writeFile(blob, (await readFile(blob, "utf8")).replace("  string name = 1;\n", ""));
    await git(repo, "commit", "-q", "-am", "drop Blob.name");
    const refused = await sh(repo, "git", ["push", "origin", "main"], { ok: false });
    assert.notEqual(refused.code, 0, "the breaking push was accepted");
    assert.match(refused.stdout + refused.stderr, /FIELD_NO_DELETE/);
    assert.equal((await git(bare, "rev-parse", "main")).stdout, (await git(repo, "rev-parse", "HEAD~1")).stdout);
  });

  /**
   * The first day on an API that exists and was never written to STANDARD lint (testkit's
   * legacy API: lint and format debt, three packages importing each other), pushed to "GitHub"
   * (a URL with a token in it, rewritten by git to a local bare repository): install protoship
   * from the registry (no engine warning), init, install, the adoption pull request's check
   * against the base that has no protoship, the first push, a violation in new code refused,
   * generate, `protoship build`, release tag, and publish with npm's provenance preconditions met.
   */
  const firstDay = async (manager: "npm" | "pnpm", layout: LegacyLayout): Promise<void> => {
    const dir = path.join(tmp, `first-day-${manager}-${layout}`);
    await mkdir(dir);
    // Each variant publishes to the one registry: under its own scope (init takes the root package's),
    // where the proto packages' first segment (acme) stays in the stub names.
    const scope = `@acme-${manager}-${layout}`;
    const stubs = LEGACY_PACKAGES.map((legacy) => {
      const folder = `acme-${legacy.split("/")[1]}`;
      return { name: `${scope}/${folder}`, folder: `packages/stubs/${folder}` };
    });
    await writeFile(
      path.join(dir, "package.json"),
      `${JSON.stringify({ name: `${scope}/apis`, version: "0.0.0", private: true }, null, 2)}\n`,
    );
    await git(dir, "init", "-q", "-b", "main");
    const protoRoot = await writeLegacyApi(dir, layout);
    const bare = path.join(tmp, `first-day-${manager}-${layout}.git`);
    await git(tmp, "init", "-q", "--bare", bare);
    const secret = "ghs_firstDayE2eSecret0123456789";
    const origin = `https://x-access-token:${secret}@github.com/acme/apis.git`;
    await git(dir, "remote", "add", "origin", origin);
    await git(dir, "config", `url.${bare}.insteadOf`, origin);
    // The API as it was before protoship, on main: the base of the adoption pull request.
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "the API before protoship");
    await git(dir, "push", "-q", "-u", "origin", "main");
    await git(dir, "checkout", "-q", "-b", "adopt-protoship");

    const pnpm = manager === "pnpm" ? await pnpmBinary() : "";
    const pnpmEnv = { npm_config_store_dir: path.join(tmp, "pnpm-store") };
    const installed =
      manager === "npm"
        ? await sh(dir, "npm", ["install", "--save-dev", "protoship"])
        : await sh(dir, pnpm, ["add", "--save-dev", "protoship", "--allow-build=!@bufbuild/buf"], { env: pnpmEnv });
    // No dependency refuses this Node (20): validate-npm-package-name 8 did, and @bufbuild/protoc-gen-es
    // 2.14 and later do (protoship pins 2.13.0, the last for Node 20).
    const engines = [...(installed.stdout + installed.stderr).matchAll(/EBADENGINE\s+package: '([^']+)@/g)].map((m) => m[1]);
    assert.deepEqual(engines, [], installed.stderr);
    // The developer's own install after init (not CI: with CI=true pnpm would insist on the old lockfile).
    const install = () =>
      manager === "npm" ? sh(dir, "npm", ["install"]) : sh(dir, pnpm, ["install", "--no-frozen-lockfile"], { env: pnpmEnv });
    const init = await protoship(dir, ["init"]);
    assert.match(init.stdout, /created protoship\.yaml/);
    if (layout === "proto") assert.match(await readFile(path.join(dir, "buf.yaml"), "utf8"), /- path: proto\n/);
    await install();
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "adopt protoship");

    // The adoption pull request's check, against main that has no protoship (and, in the proto/
    // layout, no buf.yaml), with protoship's dependencies installed: green.
    const pr = await protoship(dir, ["check", "--against", "origin/main"], false);
    assert.equal(pr.code, 0, `the adoption pull request's check:\n${pr.stdout}\n${pr.stderr}`);

    // The first push of the existing API, through the hook init installed: accepted.
    const first = await sh(dir, "git", ["push", "-u", "origin", "adopt-protoship"], { ok: false });
    assert.equal(first.code, 0, `the first push:\n${first.stdout}\n${first.stderr}`);

    // A violation in new code: refused, naming buf's rule; the remote keeps its commit.
    const refunds = path.join(dir, protoRoot, "acme/orders/v1/refunds.proto");
    await writeFile(
      refunds,
      'syntax = "proto3";\n\npackage acme.orders.v1;\n\n// A refund.\nmessage refund_request {\n  string id = 1;\n}\n',
    );
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "refunds");
    const refused = await sh(dir, "git", ["push", "origin", "adopt-protoship"], { ok: false });
    assert.notEqual(refused.code, 0, "a lint violation in new code was accepted");
    assert.match(refused.stdout + refused.stderr, /MESSAGE_PASCAL_CASE/);
    await git(dir, "reset", "-q", "--hard", "HEAD~1");

    // Merged: main is where releases are cut, and init, run on the adoption branch, recorded main.
    assert.match(await readFile(path.join(dir, "protoship.yaml"), "utf8"), /^ {2}branch: main( #.*)?$/m);
    await git(dir, "checkout", "-q", "main");
    await git(dir, "merge", "-q", "--ff-only", "adopt-protoship");
    await sh(dir, "git", ["push", "-q", "origin", "main"]);

    await protoship(dir, ["generate"]);
    for (const { name, folder } of stubs) {
      const manifest = JSON.parse(await readFile(path.join(dir, folder, "package.json"), "utf8")) as { repository?: unknown };
      // What npm's registry compares with the repository a provenance statement names (E422 otherwise).
      assert.deepEqual(manifest.repository, { type: "git", url: "git+https://github.com/acme/apis.git", directory: folder }, name);
    }
    const leaked = await sh(dir, "grep", ["-r", "-l", "--exclude-dir=.git", "--exclude-dir=node_modules", secret, "."], { ok: false });
    assert.equal(leaked.stdout, "", "the remote's token is written nowhere");
    // The stub packages are workspaces of the root: installed, then the one documented build
    // command builds every one, each after the ones it imports.
    await install();
    await protoship(dir, ["build"]);
    for (const { name, folder } of stubs) assert.ok(existsSync(path.join(dir, folder, "dist/esm/index.js")), `${name} was built`);
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "stubs");
    await sh(dir, "git", ["push", "-q", "origin", "main"]);

    const tagged = await protoship(dir, ["release", "tag"]);
    assert.ok(tagged.stdout.includes(`tagged ${scope}/acme-billing-v1@1.0.0`), tagged.stdout);
    assert.equal(tagged.stderr, "", "release tag writes nothing to stderr (no simple-git warning)");

    // In GitHub Actions publish asks npm for provenance; npm checks its preconditions before it signs:
    // here (no OIDC token to sign with) it stops at the id-token permission, and nothing is published.
    const actions = { CI: "true", GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/apis", GITHUB_SERVER_URL: "https://github.com" };
    const signed = await sh(dir, path.join(dir, "node_modules/.bin/protoship"), ["publish"], { ok: false, env: actions });
    assert.notEqual(signed.code, 0, signed.stdout);
    assert.match(signed.stderr, /"id-token" permission/);
    const published = await protoship(dir, ["publish"]);
    assert.match(published.stdout, /^3 published, 0 already on the registry$/m);
    assert.doesNotMatch(published.stdout + published.stderr, /npm notice|New (major|minor|patch) version of npm/);
    const view = await sh(dir, "npm", ["view", `${scope}/acme-orders-v1@1.0.0`, "repository", "--json"]);
    assert.equal(JSON.parse(view.stdout).url, "git+https://github.com/acme/apis.git");
  };

  it("the first day on an existing API with its root buf.yaml, with npm", { timeout: 600_000 }, () => firstDay("npm", "root"));

  it("the first day on an existing API in proto/ without a buf.yaml, with pnpm", { timeout: 600_000 }, () => firstDay("pnpm", "proto"));

  it("installed size beside @bufbuild/buf alone (benchmark only)", { skip: !process.env.PROTOSHIP_BENCH_OUT }, async () => {
    const dir = path.join(tmp, "buf-only");
    await mkdir(dir);
    await writeFile(path.join(dir, "package.json"), "{}\n");
    await sh(dir, "npm", ["install", "--save-dev", "@bufbuild/buf"]);
    bench.bufAlone = await installedSize(path.join(dir, "node_modules"));
  });
});

/** A git repository with two proto packages: acme.common.v1 (bytes, no service) and acme.files.v1 importing it. */
async function newProtoRepo(dir: string): Promise<string> {
  await mkdir(path.join(dir, "protos/acme/common/v1"), { recursive: true });
  await mkdir(path.join(dir, "protos/acme/files/v1"), { recursive: true });
  await writeFile(path.join(dir, "protos/acme/common/v1/blob.proto"), BLOB_PROTO);
  await writeFile(path.join(dir, "protos/acme/files/v1/files.proto"), FILES_PROTO);
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify({ name: "@acme/apis", version: "0.0.0", private: true }, null, 2)}\n`);
  const r = await run("git", ["init", "-q", "-b", "main"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

/** Megabytes and package count of a node_modules folder. */
async function installedSize(nodeModules: string): Promise<{ megabytes: number; packages: number }> {
  const du = await run("du", ["-sk", nodeModules], { cwd: nodeModules });
  const lock = JSON.parse(await readFile(path.join(nodeModules, ".package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
  return {
    megabytes: Number(du.stdout.split("\t")[0]) / 1024,
    packages: Object.keys(lock.packages).filter((k) => k.startsWith("node_modules/")).length,
  };
}

const BLOB_PROTO = `syntax = "proto3";

package acme.common.v1;

// A named piece of content.
message Blob {
  string name = 1;
  bytes data = 2;
}
`;

const FILES_PROTO = `syntax = "proto3";

package acme.files.v1;

import "acme/common/v1/blob.proto";

// Reads stored files.
service FilesService {
  // Returns one file.
  rpc GetBlob(GetBlobRequest) returns (GetBlobResponse);
}

message GetBlobRequest {
  string name = 1;
}

message GetBlobResponse {
  acme.common.v1.Blob blob = 1;
}
`;

const CALL_SCRIPT = `import { Server, ServerCredentials, credentials } from "@grpc/grpc-js";
import { FilesServiceClient, FilesServiceService } from "@acme/files-v1";

const server = new Server();
server.addService(FilesServiceService, {
  getBlob(call, callback) {
    callback(null, { blob: { name: call.request.name, data: Buffer.from("%PDF"), contentType: "application/pdf" } });
  },
});
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  const client = new FilesServiceClient(\`127.0.0.1:\${port}\`, credentials.createInsecure());
  client.getBlob({ name: "report.pdf" }, (err, response) => {
    if (err) throw err;
    const { name, data, contentType } = response.blob;
    console.log(JSON.stringify({ name, data: Buffer.from(data).toString(), contentType }));
    client.close();
    server.forceShutdown();
  });
});
`;
