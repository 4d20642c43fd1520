// Benchmark of issue 21's google/cloud goal and issue 11's remote-cache goal, side by side in one
// run. On the corpus (google-proto-files), stub packages for BENCH_STUB_INCLUDE (default
// google.cloud.**, 394 packages; comma-separated globs, e.g. google.cloud.language.** for a quick run) are generated and
// committed, with TypeScript 7 as the workspace's compiler (npm's latest, what `npm i` of the stubs'
// range installs). Then in clone A: a cold `protoship build` (the default path: one tsc program per
// batch, each shared copy checked once); its dist/ is kept; then, with turborepo-remote-cache on
// 127.0.0.1 (local storage), a cold `turbo run build` of the stub packages (empty caches: each
// package's own build script, as users and CI run it), whose dist/ must be byte-identical; and a
// fresh clone B of the same commit runs it again from the warm remote cache. Wall time, CPU time and
// peak memory (the sum of RSS over the whole process tree, sampled) of each.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { linkStubWorkspace, startRemoteCache, writeTurboRoot } from "../../packages/testkit/src/index.ts";
import { CACHE, PROTOSHIP, loadAverage, stubCorpusRepo, timedStep, tscVersion, useTypeScript, verdict } from "./corpus.mjs";
import { fmt } from "./timing.mjs";

const INCLUDE = (process.env.BENCH_STUB_INCLUDE ?? "google.cloud.**").split(",");

export async function bench() {
  const repo = stubCorpusRepo("stub-build-a", INCLUDE);
  writeFileSync(path.join(repo.dir, ".gitignore"), "node_modules/\n.protoship-stamp.json\n/packages/stubs/*/dist/\n.turbo/\n");
  await writeTurboRoot(repo.dir);
  const loadBefore = loadAverage();
  const generate = await timedStep("protoship generate", process.execPath, [PROTOSHIP, "generate"], { cwd: repo.dir });
  console.log(`generate: ${fmt(generate.seconds)}, CPU ${generate.cpu.toFixed(1)} s (load ${loadAverage()})`);
  const packages = readdirSync(path.join(repo.dir, "packages/stubs")).filter((n) => !n.startsWith(".")).length;
  repo.git("add", "-A");
  repo.git("commit", "-qm", "stub packages");

  await linkStubWorkspace(repo.dir);
  useTypeScript(repo.dir, "7");
  const build = await timedStep("protoship build", process.execPath, [PROTOSHIP, "build"], { cwd: repo.dir });
  console.log(`protoship build: ${fmt(build.seconds)}, CPU ${build.cpu.toFixed(1)} s (load ${loadAverage()})`);
  const built = /\((.*)\)$/m.exec(build.stdout)?.[1] ?? "";
  const stubs = path.join(repo.dir, "packages/stubs");
  const fromBuild = distDigests(stubs);
  for (const name of readdirSync(stubs).filter((n) => !n.startsWith(".")))
    rmSync(path.join(stubs, name, "dist"), { recursive: true, force: true });

  const cache = await startRemoteCache();
  try {
    // --continue: on a failure, the other packages still build, so one run names every package that fails.
    const turbo = (dir, label) =>
      timedStep(
        label,
        path.join(dir, "node_modules/.bin/turbo"),
        ["run", "build", "--filter=./packages/stubs/*", "--summarize", "--output-logs=errors-only", "--continue"],
        { cwd: dir, env: cache.env },
      );
    const cold = await turbo(repo.dir, "cold turbo run build");
    console.log(`turbo cold: ${fmt(cold.seconds)}, CPU ${cold.cpu.toFixed(1)} s (load ${loadAverage()})`);
    const fromScripts = distDigests(stubs);
    const differ = [...new Set([...fromBuild.keys(), ...fromScripts.keys()])].filter((f) => fromBuild.get(f) !== fromScripts.get(f));
    const artifacts = (await cache.artifacts()).length;

    const cloneB = path.join(CACHE, "stub-build-b");
    rmSync(cloneB, { recursive: true, force: true });
    execFileSync("git", ["clone", "-q", repo.dir, cloneB]);
    await linkStubWorkspace(cloneB);
    useTypeScript(cloneB, "7");
    const warm = await turbo(cloneB, "warm turbo run build");
    const hits = /Cached:\s+(\d+) cached, (\d+) total/.exec(warm.stdout);
    const share = warm.seconds / cold.seconds;
    const coldTasks = taskSeconds(repo.dir);
    const total = generate.seconds + build.seconds;
    return [
      `## google/cloud stub packages: cold build, and turbo's remote cache (${INCLUDE.join(", ")}: ${packages} stub packages)`,
      "",
      `One run each, wall clock, in the same run; ${tscVersion("7")} (npm's latest: what \`npm i\` of the stubs' range installs).`,
      "`protoship build` builds the ts-proto packages together, one tsc program per batch with each shared copy checked",
      `once (this run: ${built || "see its output"}); \`turbo run build\` runs each package's own build script (one type-check,`,
      "CommonJS emitted without one). turborepo-remote-cache on 127.0.0.1 (local storage); clone B is a fresh clone of the",
      "same commit. Peak memory is the sum of RSS over the process tree, sampled (scripts/bench/memory.mjs).",
      "",
      "| what | wall time | CPU time | peak memory (process tree) |",
      "| --- | ---: | ---: | ---: |",
      `| \`protoship generate\` (${packages} packages) | ${fmt(generate.seconds)} | ${generate.cpu.toFixed(1)} s | ${generate.peakMb} MB |`,
      `| cold \`protoship build\`, clone A | ${fmt(build.seconds)} | ${build.cpu.toFixed(1)} s | ${build.peakMb} MB |`,
      `| cold \`turbo run build\`, clone A (${artifacts} artifacts uploaded) | ${fmt(cold.seconds)} | ${cold.cpu.toFixed(1)} s | ${cold.peakMb} MB |`,
      `| warm remote cache, fresh clone B (${hits ? `${hits[1]} of ${hits[2]} tasks cached` : "cache hits unknown"}) | ${fmt(warm.seconds)} | ${warm.cpu.toFixed(1)} s | ${warm.peakMb} MB |`,
      "",
      "| goal | measured | bound | verdict |",
      "| --- | ---: | ---: | --- |",
      `| generate + cold \`protoship build\` of every package | ${fmt(total)} | ≤ 600 s | ${verdict(total, 600)} |`,
      `| warm remote cache / cold \`turbo run build\` | ${(share * 100).toFixed(1)}% | < 10% | ${verdict(share, 0.1)} |`,
      `| warm remote cache / cold \`protoship build\` | ${((warm.seconds / build.seconds) * 100).toFixed(1)}% | < 10% | ${verdict(warm.seconds / build.seconds, 0.1)} |`,
      "",
      `dist/ of \`protoship build\` against each package's own build script (turbo, cold): ${fromBuild.size} files, ${differ.length} differ${differ.length ? ` (${differ.slice(0, 3).join(", ")}…)` : ""}.`,
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()}. The cold turbo run's build tasks took`,
      `${fmt(coldTasks.build)} of task time (turbo's run summary, summed over tasks, at turbo's default concurrency).`,
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

/** Every file under each package's dist/ in `stubs` (relative path → sha256 of its bytes). */
function distDigests(stubs) {
  const digests = new Map();
  for (const name of readdirSync(stubs).filter((n) => !n.startsWith("."))) {
    const dist = path.join(stubs, name, "dist");
    for (const e of readdirSync(dist, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
      const file = path.join(e.parentPath, e.name);
      digests.set(path.relative(stubs, file), createHash("sha256").update(readFileSync(file)).digest("hex"));
    }
  }
  return digests;
}
