// Benchmark of issue 21's Envoy goal: Envoy's xDS protos as npm's @grpc/grpc-js-xds ships them
// (deps/envoy-api, deps/xds, deps/protoc-gen-validate, deps/googleapis: the include roots its
// proto-loader calls use), as one buf workspace of four modules. Some of the shipped files import
// protos the package does not ship (opentelemetry, cel…); those, and what imports them, are left
// out, found by buf itself: `buf build` is run and every file it reports is removed, until it
// compiles (about 470 files stay). Then `protoship generate` (ts-proto, every proto package) and a
// cold `protoship build` with TypeScript 7 of every stub package. Goal: ≤ 5 minutes together.
// BENCH_ENVOY_INCLUDE (comma-separated proto package globs) limits the stub packages, for a quick run.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { linkStubWorkspace } from "../../packages/testkit/src/index.ts";
import { ROOT } from "../lib.mjs";
import { BUF, CACHE, PROTOSHIP, loadAverage, timedStep, tscVersion, useTypeScript, verdict } from "./corpus.mjs";
import { fmt } from "./timing.mjs";

const XDS = path.join(ROOT, "node_modules/@grpc/grpc-js-xds");
const ROOTS = ["envoy-api", "xds", "protoc-gen-validate", "googleapis"];
const INCLUDE = process.env.BENCH_ENVOY_INCLUDE?.split(",");

export async function bench() {
  const loadBefore = loadAverage();
  const dir = path.join(CACHE, "envoy");
  const { files, dropped } = envoyRepo(dir);
  const git = (...args) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  const generate = await timedStep("protoship generate", process.execPath, [PROTOSHIP, "generate"], { cwd: dir });
  console.log(`generate: ${fmt(generate.seconds)}, CPU ${generate.cpu.toFixed(1)} s (load ${loadAverage()})`);
  const packages = readdirSync(path.join(dir, "packages/stubs")).filter((n) => !n.startsWith(".")).length;
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@protoship.invalid", "commit", "-qm", "stub packages");
  await linkStubWorkspace(dir);
  useTypeScript(dir, "7");
  const build = await timedStep("protoship build", process.execPath, [PROTOSHIP, "build"], { cwd: dir });
  console.log(`build: ${fmt(build.seconds)}, CPU ${build.cpu.toFixed(1)} s (load ${loadAverage()})`);
  const built = /\((.*)\)$/m.exec(build.stdout)?.[1] ?? "";
  const total = generate.seconds + build.seconds;
  const version = JSON.parse(execFileSync("npm", ["pkg", "get", "version"], { cwd: XDS, encoding: "utf8" }));
  return [
    `## Envoy's xDS protos: generate + build (${files} files, ${packages} stub packages)`,
    "",
    `@grpc/grpc-js-xds ${version}'s protos (${ROOTS.map((r) => `deps/${r}`).join(", ")}) as a buf workspace of four modules; ${dropped}`,
    `shipped files that import protos the package does not ship were left out (as buf reported them). ${tscVersion("7")};`,
    `\`protoship build\` built the ts-proto packages together (${built || "see its output"}). One run each, in the same run.`,
    "",
    "| what | wall time | CPU time | peak memory (process tree) |",
    "| --- | ---: | ---: | ---: |",
    `| \`protoship generate\` | ${fmt(generate.seconds)} | ${generate.cpu.toFixed(1)} s | ${generate.peakMb} MB |`,
    `| cold \`protoship build\` | ${fmt(build.seconds)} | ${build.cpu.toFixed(1)} s | ${build.peakMb} MB |`,
    "",
    "| goal | measured | bound | verdict |",
    "| --- | ---: | ---: | --- |",
    `| generate + build of every package | ${fmt(total)} | ≤ 300 s | ${verdict(total, 300)} |`,
    "",
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()}.`,
  ].join("\n");
}

/** A git repository at `dir` holding the compiling part of @grpc/grpc-js-xds's protos; how many files it keeps and drops. */
function envoyRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const root of ROOTS) cpSync(path.join(XDS, "deps", root), path.join(dir, root), { recursive: true });
  // protoc-gen-validate's tests and Java sources are no part of its API (and collide with each other).
  for (const extra of ["tests", "java"]) rmSync(path.join(dir, "protoc-gen-validate", extra), { recursive: true, force: true });
  writeFileSync(path.join(dir, "buf.yaml"), `version: v2\nmodules:\n${ROOTS.map((r) => `  - path: ${r}\n`).join("")}`);
  let dropped = 0;
  for (;;) {
    const r = spawnSync(BUF, ["build", "-o", "/dev/null", "--error-format=json"], { cwd: dir, encoding: "utf8" });
    if (r.status === 0) break;
    const bad = new Set(
      `${r.stdout}\n${r.stderr}`
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l).path),
    );
    if (!bad.size) throw new Error(`buf build failed without a file to drop:\n${r.stderr}`);
    for (const file of bad) rmSync(path.join(dir, file), { force: true });
    dropped += bad.size;
  }
  writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: "envoy-apis", private: true, workspaces: ["packages/stubs/*"] }, null, 2)}\n`,
  );
  writeFileSync(path.join(dir, ".gitignore"), "node_modules/\ndist/\n");
  writeFileSync(path.join(dir, "protoship.yaml"), `stubs:\n  scope: "@bench"\n${INCLUDE ? `  include: ${JSON.stringify(INCLUDE)}\n` : ""}`);
  const files = Number(execFileSync("sh", ["-c", "find . -name '*.proto' | wc -l"], { cwd: dir, encoding: "utf8" }).trim());
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@protoship.invalid", "add", "-A"], { cwd: dir });
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@protoship.invalid", "commit", "-qm", "envoy protos"], { cwd: dir });
  return { files, dropped };
}
