// Benchmark of adoption: the end-to-end test packages/ci-tests/test/adoption-e2e.test.ts (a new team
// installs protoship from a Verdaccio registry on 127.0.0.1, runs init and pushes) run once with
// PROTOSHIP_BENCH_OUT, which makes it write its timings and installed sizes, and also install
// @bufbuild/buf alone into an empty project for comparison. One run: it installs from scratch.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../lib.mjs";

/** Runs the benchmark and returns a Markdown section. */
export async function bench() {
  const out = path.join(os.tmpdir(), `protoship-bench-adoption-${process.pid}.json`);
  const test = path.join(ROOT, "packages/ci-tests/test/adoption-e2e.test.ts");
  execFileSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", test], {
    cwd: ROOT,
    env: { ...process.env, PROTOSHIP_BENCH_OUT: out },
    stdio: "inherit",
  });
  const r = JSON.parse(readFileSync(out, "utf8"));
  rmSync(out, { force: true });
  return section(r);
}

/** The Markdown section for the test's measurements (PROTOSHIP_BENCH_OUT's JSON). */
export function section(r) {
  const mb = (s) => `${s.megabytes.toFixed(1)} MB`;
  return [
    "## Adoption: from `npm i -D protoship` to the first accepted push",
    "",
    "A fresh git repository with two proto packages (one importing the other), installing from a Verdaccio registry on 127.0.0.1 that holds the packed toolchain and its dependencies (as `pnpm pack` writes them). One run, wall clock; command: `node --import tsx --test packages/ci-tests/test/adoption-e2e.test.ts` with `PROTOSHIP_BENCH_OUT` set.",
    "",
    "| what | time |",
    "| --- | ---: |",
    `| \`npm i -D protoship\` (empty npm cache, local registry) | ${r.npmInstallSeconds.toFixed(1)} s |`,
    `| from \`npm i -D protoship\` through \`protoship init\`, \`npm install\` (the stub toolchain, the hook), commit, to the first \`git push\` the hook accepted | ${r.secondsToFirstAcceptedPush.toFixed(1)} s |`,
    "",
    "Installed size (`du -sk node_modules`; packages counted in `node_modules/.package-lock.json`), right after `npm i -D` into an empty project:",
    "",
    "| install | size | packages |",
    "| --- | ---: | ---: |",
    `| \`npm i -D protoship\` | ${mb(r.installed)} | ${r.installed.packages} |`,
    `| \`npm i -D @bufbuild/buf\` alone | ${mb(r.bufAlone)} | ${r.bufAlone.packages} |`,
    "",
    `Most of both is buf's native binaries (the platform package). Seeding the registry (not timed above): ${r.seed.packages} packages, ${r.seed.megabytes.toFixed(0)} MB of tarballs, ${r.seed.seconds.toFixed(0)} s.`,
    ...(r.loadAverage === undefined
      ? []
      : ["", `Load average (1 min) at the end of the run: ${r.loadAverage.toFixed(1)} on ${os.cpus().length} cores.`]),
  ].join("\n");
}
