// Benchmark of issue 21's "builds in minutes": generate + cold build of every stub package, side by
// side in one run on one corpus, the build done three ways by `protoship build` (dependency order,
// as many package builds at once as the machine has cores):
//   - before: each package type-checked twice (tsc ESM, then tsc CJS with Node10 resolution and a
//     full second check), TypeScript 5.9: the build script stub packages had until this change;
//   - now, TypeScript 5.9: one type-check (ESM), CJS emitted with noCheck/noResolve;
//   - now, TypeScript 7 (the native compiler, npm's latest).
// Corpus: google-proto-files' google/cloud, BENCH_SPEED_INCLUDE (default: a 6-API slice, comma-separated
// globs; `google.cloud.**` for all of it). One run each; the load average is printed before and after,
// because this machine is shared.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { linkStubWorkspace } from "../../packages/testkit/src/index.ts";
import { ROOT } from "../lib.mjs";
import { CLOUD_SLICE, PROTOSHIP, stubCorpusRepo } from "./corpus.mjs";
import { measureCommand } from "./memory.mjs";
import { fmt } from "./timing.mjs";

const INCLUDE = process.env.BENCH_SPEED_INCLUDE ? process.env.BENCH_SPEED_INCLUDE.split(",") : CLOUD_SLICE;
const OLD_BUILD = `rm -rf dist && tsc -p tsconfig.json && tsc -p tsconfig.cjs-old.json && echo '{"type":"commonjs"}' > dist/cjs/package.json`;
const OLD_CJS = { extends: "./tsconfig.json", compilerOptions: { module: "CommonJS", moduleResolution: "Node10", outDir: "dist/cjs" } };
const TS = {
  5.9: path.join(ROOT, "node_modules/typescript"),
  7: path.join(ROOT, "packages/testkit/node_modules/typescript-7"),
};

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");

export async function bench() {
  const loadBefore = load();
  const repo = stubCorpusRepo("stub-build-speed", INCLUDE);
  const generate = await step("protoship generate", [PROTOSHIP, "generate"], repo.dir);
  const stubs = path.join(repo.dir, "packages/stubs");
  const packages = readdirSync(stubs).filter((n) => !n.startsWith("."));
  await linkStubWorkspace(repo.dir);

  const useTypeScript = (version) => {
    for (const at of [path.join(repo.dir, "node_modules/typescript"), path.join(repo.dir, "node_modules/.bin/tsc")])
      rmSync(at, { force: true });
    symlinkSync(TS[version], path.join(repo.dir, "node_modules/typescript"));
    symlinkSync(path.join(TS[version], "bin/tsc"), path.join(repo.dir, "node_modules/.bin/tsc"));
  };
  const setScripts = (old) => {
    for (const name of packages) {
      const file = path.join(stubs, name, "package.json");
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      pkg.scripts.build = old ? OLD_BUILD : pkg.scripts.buildNow;
      writeFileSync(file, JSON.stringify(pkg, null, 2));
    }
  };
  for (const name of packages) {
    const file = path.join(stubs, name, "package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    pkg.scripts.buildNow = pkg.scripts.build;
    writeFileSync(file, JSON.stringify(pkg, null, 2));
    writeFileSync(path.join(stubs, name, "tsconfig.cjs-old.json"), JSON.stringify(OLD_CJS, null, 2));
  }

  const rows = [];
  // Fastest first, so a run cut short by the clock still has the new numbers.
  for (const [label, version, old] of [
    ["now: one type-check, TypeScript 7.0", "7", false],
    ["now: one type-check, TypeScript 5.9", "5.9", false],
    ["before: two type-checks (ESM, CJS with Node10), TypeScript 5.9", "5.9", true],
  ]) {
    useTypeScript(version);
    setScripts(old);
    const r = await step(label, [PROTOSHIP, "build"], repo.dir);
    rows.push({ label, ...r });
    console.log(`${label}: ${fmt(r.seconds)} (load ${load()})`);
  }
  const before = rows.at(-1).seconds;
  const loadAfter = load();
  const tsc = (v) => execFileSync(path.join(TS[v], "bin/tsc"), ["--version"], { encoding: "utf8" }).trim();
  return [
    `## Stub builds: one type-check per package, TypeScript 5.9 and 7 (${packages.length} stub packages)`,
    "",
    `google-proto-files, stubs for ${INCLUDE.map((g) => `\`${g}\``).join(", ")}: \`protoship generate\`, then three cold builds of`,
    `every stub package by \`protoship build\` (dependency order, ${os.availableParallelism()} package builds at once), one run each, wall clock,`,
    "in the same run. *before* is the build script stub packages had until issue 21 (tsc ESM, then tsc CJS with",
    "`moduleResolution: Node10`: a second full type-check); *now* is the current one (one type-check; CJS emitted with",
    `\`noCheck\`/\`noResolve\`, declarations copied). ${tsc("5.9")}; ${tsc("7")}.`,
    "",
    "| what | time | peak memory (process tree) | build vs before | generate + build vs before |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| \`protoship generate\` | ${fmt(generate.seconds)} | ${generate.peakMb} MB | | |`,
    ...rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.seconds)} | ${r.peakMb} MB | ${(r.seconds / before).toFixed(2)}× | ${((generate.seconds + r.seconds) / (generate.seconds + before)).toFixed(2)}× |`,
    ),
    "",
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}. The machine is shared with other`,
    "jobs: absolute times are inflated by that load, the ratios within this one run less so.",
  ].join("\n");
}

async function step(label, args, cwd) {
  const r = await measureCommand(process.execPath, args, { cwd, env: { CI: "1" }, intervalMs: 500 });
  if (r.last.status !== 0) throw new Error(`${label} exited ${r.last.status}\n${r.last.stdout.slice(-2000)}${r.last.stderr.slice(-3000)}`);
  return { seconds: r.seconds, peakMb: r.peakMb };
}
