// Benchmark of building every stub package with turbo and a remote cache (issue 11's goal: a fresh
// clone building from a warm remote cache takes ≤ 10% of a cold build). On the corpus
// (google-proto-files), stub packages for BENCH_STUB_INCLUDE (default google.cloud.**; e.g.
// google.cloud.language.** for a quick run) are generated and committed; then, with
// turborepo-remote-cache on 127.0.0.1 (local storage), clone A runs a cold `turbo run build` of the
// stub packages (empty caches), and a fresh clone B of the same commit runs it again from the warm
// remote cache. Wall time and peak memory (the sum of RSS over the whole process tree, sampled) of each.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { linkStubWorkspace, startRemoteCache, writeTurboRoot } from "../../packages/testkit/src/index.ts";
import { CACHE, PROTOSHIP, stubCorpusRepo } from "./corpus.mjs";
import { measureCommand } from "./memory.mjs";
import { fmt } from "./timing.mjs";

const INCLUDE = process.env.BENCH_STUB_INCLUDE ?? "google.cloud.**";
const SAMPLE_MS = 250;

export async function bench() {
  const repo = stubCorpusRepo("stub-build-a", [INCLUDE]);
  writeFileSync(path.join(repo.dir, ".gitignore"), "node_modules/\n.protoship-stamp.json\n/packages/stubs/*/dist/\n.turbo/\n");
  await writeTurboRoot(repo.dir);
  const generate = await measure(process.execPath, [PROTOSHIP, "generate"], { cwd: repo.dir });
  if (generate.code !== 0) throw new Error(`protoship generate exited ${generate.code}\n${generate.stderr.slice(-2000)}`);
  const packages = readdirSync(path.join(repo.dir, "packages/stubs")).filter((n) => !n.startsWith(".")).length;
  repo.git("add", "-A");
  repo.git("commit", "-qm", "stub packages");

  const cache = await startRemoteCache();
  try {
    // --continue: on a failure, the other packages still build, so one run names every package that fails.
    const turbo = (dir) =>
      measure(
        path.join(dir, "node_modules/.bin/turbo"),
        ["run", "build", "--filter=./packages/stubs/*", "--summarize", "--output-logs=errors-only", "--continue"],
        {
          cwd: dir,
          env: { ...cache.env, CI: "1" },
        },
      );
    await linkStubWorkspace(repo.dir);
    const cold = await turbo(repo.dir);
    if (cold.code !== 0)
      throw new Error(`cold turbo run build exited ${cold.code}\n${cold.stdout.slice(-3000)}${cold.stderr.slice(-2000)}`);
    const artifacts = (await cache.artifacts()).length;

    const cloneB = path.join(CACHE, "stub-build-b");
    rmSync(cloneB, { recursive: true, force: true });
    execFileSync("git", ["clone", "-q", repo.dir, cloneB]);
    await linkStubWorkspace(cloneB);
    const warm = await turbo(cloneB);
    if (warm.code !== 0) throw new Error(`warm turbo run build exited ${warm.code}\n${warm.stdout.slice(-3000)}`);
    const hits = /Cached:\s+(\d+) cached, (\d+) total/.exec(warm.stdout);
    const share = warm.seconds / cold.seconds;
    const coldTasks = taskSeconds(repo.dir);
    return [
      `## Stub package builds from turbo's remote cache (${INCLUDE}: ${packages} stub packages)`,
      "",
      "turborepo-remote-cache on 127.0.0.1 (local storage). Clone A: `turbo run build --filter=./packages/stubs/*` with empty",
      "caches (cold: every package's build task runs, tsc for ESM and CJS, and is uploaded). Clone B, a fresh clone of the same commit:",
      "the same command from the warm remote cache. One run each, wall clock; peak memory is the sum of RSS over the process",
      `tree, sampled every ${SAMPLE_MS} ms (scripts/bench/memory.mjs).`,
      "",
      "| what | time | peak memory (process tree) |",
      "| --- | ---: | ---: |",
      `| \`protoship generate\` (${packages} packages) | ${fmt(generate.seconds)} | ${generate.peakMb} MB |`,
      `| cold build, clone A (${artifacts} artifacts uploaded) | ${fmt(cold.seconds)} | ${cold.peakMb} MB |`,
      `| warm remote cache, fresh clone B (${hits ? `${hits[1]} of ${hits[2]} tasks cached` : "cache hits unknown"}) | ${fmt(warm.seconds)} | ${warm.peakMb} MB |`,
      "",
      `Warm / cold: **${(share * 100).toFixed(1)}%** (goal ≤ 10%). Load average at the end: ${os.loadavg()[0].toFixed(1)}.`,
      "",
      `The cold run's \`build\` tasks (tsc, ESM + CJS, one package each, at turbo's default concurrency) took ${fmt(coldTasks.build)} of task time`,
      "(turbo's run summary, summed over tasks): this is the type-check of every generated file, package by package.",
    ].join("\n");
  } finally {
    await cache.stop();
  }
}

/** Seconds spent in the `build` tasks of the newest turbo run summary in `dir`, summed. */
function taskSeconds(dir) {
  const runs = path.join(dir, ".turbo/runs");
  const newest = readdirSync(runs)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .at(-1);
  const summary = JSON.parse(readFileSync(path.join(runs, newest), "utf8"));
  const sum = { build: 0 };
  for (const task of summary.tasks) {
    const ms = (task.execution?.endTime ?? 0) - (task.execution?.startTime ?? 0);
    if (task.task in sum) sum[task.task] += ms / 1000;
  }
  return sum;
}

/** Runs a command with turbo's telemetry off; its exit code, output, wall time and peak process-tree memory (memory.mjs). */
async function measure(cmd, args, { cwd, env }) {
  const r = await measureCommand(cmd, args, { cwd, env: { TURBO_TELEMETRY_DISABLED: "1", ...env }, intervalMs: SAMPLE_MS });
  return { code: r.last.status, stdout: r.last.stdout, stderr: r.last.stderr, peakMb: r.peakMb, seconds: r.seconds };
}
