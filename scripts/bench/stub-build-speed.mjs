// Benchmark of issue 21's slice goals, side by side in one run on one corpus (google-proto-files,
// BENCH_SPEED_INCLUDE: comma-separated proto package globs, default a 6-API slice of google/cloud):
//   - `buf generate` with protoc-gen-es `target=js+dts` on the slice's files: ready-to-publish
//     JavaScript and declarations, no tsc run (the reference time);
//   - protoship generate with `stubs.generator: protobuf-es` (goal: ≤ 1.5× the reference);
//   - protoship generate (ts-proto, the default) + protoship build with TypeScript 7, npm's latest
//     and what `npm i` of the stubs' range installs (goal: ≤ 4× the reference);
//   - BENCH_SPEED_TS59=1 adds protoship build with TypeScript 5.9 (the same one type-check, slower compiler).
// Wall time, CPU time (user + system, the process and its children) and peak memory of each; one
// run each. The load average is printed, because this machine may be shared.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { linkStubWorkspace } from "../../packages/testkit/src/index.ts";
import { ROOT } from "../lib.mjs";
import { BUF, CLOUD_SLICE, PROTOSHIP, loadAverage, stubCorpusRepo, timedStep, tscVersion, useTypeScript, verdict } from "./corpus.mjs";
import { fmt } from "./timing.mjs";

const INCLUDE = process.env.BENCH_SPEED_INCLUDE ? process.env.BENCH_SPEED_INCLUDE.split(",") : CLOUD_SLICE;
const PROTOC_GEN_ES = path.join(
  path.dirname(createRequire(path.join(ROOT, "packages/cli/package.json")).resolve("@bufbuild/protoc-gen-es/package.json")),
  "bin/protoc-gen-es",
);

export async function bench() {
  const loadBefore = loadAverage();
  const rows = [];
  const row = (label, r, extra = {}) => {
    rows.push({ label, ...r, ...extra });
    console.log(`${label}: ${fmt(r.seconds)}, CPU ${r.cpu.toFixed(1)} s (load ${loadAverage()})`);
    return r;
  };

  // The reference: buf generate with protoc-gen-es on the files of the slice's proto packages.
  const es = stubCorpusRepo("stub-speed-es", INCLUDE);
  const files = protoFilesOf(es.dir, INCLUDE);
  writeFileSync(
    path.join(es.dir, "buf.gen.yaml"),
    `version: v2\nplugins:\n  - local: ${JSON.stringify(PROTOC_GEN_ES)}\n    out: gen-es\n    opt: [target=js+dts]\n`,
  );
  const dirs = [...new Set(files.map((f) => path.dirname(f)))];
  const reference = row(
    `\`buf generate\`, protoc-gen-es \`target=js+dts\` (${files.length} files)`,
    await timedStep("buf generate", BUF, ["generate", ...dirs.flatMap((d) => ["--path", d])], { cwd: es.dir }),
  );

  const pe = stubCorpusRepo("stub-speed-pe", INCLUDE);
  writeFileSync(
    path.join(pe.dir, "protoship.yaml"),
    `stubs:\n  scope: "@bench"\n  generator: protobuf-es\n  include: ${JSON.stringify(INCLUDE)}\n`,
  );
  const protobufEs = row(
    "protoship generate, `generator: protobuf-es` (ready to publish)",
    await timedStep("protoship generate (protobuf-es)", process.execPath, [PROTOSHIP, "generate"], { cwd: pe.dir }),
    { goal: 1.5 },
  );
  protobufEs.ratio = protobufEs.seconds / reference.seconds;

  const repo = stubCorpusRepo("stub-build-speed", INCLUDE);
  const generate = row(
    "protoship generate (ts-proto)",
    await timedStep("protoship generate", process.execPath, [PROTOSHIP, "generate"], { cwd: repo.dir }),
  );
  const packages = readdirSync(path.join(repo.dir, "packages/stubs")).filter((n) => !n.startsWith("."));
  await linkStubWorkspace(repo.dir);
  useTypeScript(repo.dir, "7");
  const build7 = row(
    `protoship build, ${tscVersion("7")}`,
    await timedStep("protoship build (TypeScript 7)", process.execPath, [PROTOSHIP, "build"], { cwd: repo.dir }),
  );
  const built = /\((.*)\)$/m.exec(build7.stdout)?.[1] ?? "";
  const tsProto = { seconds: generate.seconds + build7.seconds, cpu: generate.cpu + build7.cpu };
  if (process.env.BENCH_SPEED_TS59 === "1") {
    useTypeScript(repo.dir, "5.9");
    row(
      `protoship build, ${tscVersion("5.9")}`,
      await timedStep("protoship build (TypeScript 5.9)", process.execPath, [PROTOSHIP, "build"], { cwd: repo.dir }),
    );
  }

  const ratio = (r) => `${(r.seconds / reference.seconds).toFixed(2)}×`;
  return [
    `## Stub generation and builds: ${INCLUDE === CLOUD_SLICE ? "the 6-API slice of google/cloud" : INCLUDE.join(", ")} (${packages.length} stub packages)`,
    "",
    `google-proto-files, stubs for ${INCLUDE.map((g) => `\`${g}\``).join(", ")}, side by side in one run, one run each.`,
    "`protoship build` builds the generated ts-proto packages together (one tsc program per batch, each shared copy",
    `checked once; this run: ${built || "see the output"}), in dependency order.`,
    "",
    "| what | wall time | CPU time | peak memory (process tree) | vs `buf generate` |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.label} | ${fmt(r.seconds)} | ${r.cpu.toFixed(1)} s | ${r.peakMb} MB | ${ratio(r)} |`),
    `| protoship generate + build (ts-proto, TypeScript 7) | ${fmt(tsProto.seconds)} | ${tsProto.cpu.toFixed(1)} s | | ${ratio(tsProto)} |`,
    "",
    "| goal | measured | bound | verdict |",
    "| --- | ---: | ---: | --- |",
    `| protobuf-es: protoship generate vs \`buf generate\` | ${ratio(protobufEs)} | ≤ 1.5× | ${verdict(protobufEs.seconds / reference.seconds, 1.5)} |`,
    `| ts-proto: protoship generate + build vs \`buf generate\` | ${ratio(tsProto)} | ≤ 4× | ${verdict(tsProto.seconds / reference.seconds, 4)} |`,
    "",
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()}. On a shared machine the wall times are`,
    "inflated by the load; CPU time is what each step costs.",
  ].join("\n");
}

/**
 * The .proto files (relative, outside node_modules and packages/) whose `package` matches one of the globs (`a.b.**`: a.b and
 * below; `a.b.*`: one level; otherwise exact), read from the package line as the reference run needs them.
 */
export function protoFilesOf(dir, globs) {
  const matchers = globs.map((g) =>
    g.endsWith(".**")
      ? (p) => p === g.slice(0, -3) || p.startsWith(g.slice(0, -2))
      : g.endsWith(".*")
        ? (p) => p.startsWith(g.slice(0, -1)) && !p.slice(g.length - 1).includes(".")
        : (p) => p === g,
  );
  return listProtos(dir).filter((f) => {
    const pkg = /^package\s+([\w.]+)\s*;/m.exec(readFileSync(path.join(dir, f), "utf8"))?.[1];
    return pkg !== undefined && matchers.some((m) => m(pkg));
  });
}

function listProtos(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !["node_modules", ".git", "packages"].includes(e.name)) walk(r);
      else if (e.isFile() && e.name.endsWith(".proto")) out.push(r);
    }
  };
  walk("");
  return out.sort();
}
