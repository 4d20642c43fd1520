// Benchmark of `protoship generate` on the real-world corpus: TypeScript stubs for every proto
// package under google/cloud/** of google-proto-files (one npm package each), against a plain
// `buf generate` with the same ts-proto plugin, options and heap; then a no-op rerun, a change to
// one package, and a tsc --strict type-check of everything generated.
// BENCH_TYPECHECK=0 skips the type-check (the heaviest step: several GB of memory).
import { readFileSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUF, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { expectExit, fmt, timeCommand } from "./timing.mjs";
import { ROOT } from "../lib.mjs";

const CHANGED_FILE = "google/cloud/language/v1/language_service.proto";
const CHANGED_FROM = "// Represents the input to API methods.";
const TS_PROTO = path.join(ROOT, "node_modules/ts-proto/protoc-gen-ts_proto");
// The same options protoship passes (packages/cli/src/generate/ts-proto-options.ts).
const OPTIONS = [
  "outputServices=grpc-js",
  "esModuleInterop=true",
  "forceLong=bigint",
  "useExactTypes=false",
  "importSuffix=.js",
  "env=node",
  "exportCommonSymbols=false",
];
const HEAP = Math.max(2048, Math.min(16384, Math.floor((os.totalmem() / 2 ** 20) * 0.6)));
const TIME = "/usr/bin/time";

/** Peak RSS in MB of a command run under /usr/bin/time -f %M. */
const peakMb = (result) => Math.round(Number(result.last.stderr.trim().split("\n").pop()) / 1024);
const timed = (cmd, args, options) => timeCommand(TIME, ["-f", "%M", cmd, ...args], options);

function treeStats(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (name.endsWith(".ts")) {
        files++;
        bytes += st.size;
      }
    }
  };
  walk(dir);
  return { files, mb: (bytes / 2 ** 20).toFixed(0) };
}

/** Runs the benchmark and returns a Markdown section. */
export async function bench({ runs = 5 } = {}) {
  const repo = corpusRepo("generate");
  writeFileSync(path.join(repo.dir, "protoship.yaml"), 'stubs:\n  scope: "@gcp"\n  outDir: stubs\n  include: ["google.cloud.**"]\n');
  const rows = [];

  // 1. Plain buf generate: the same plugin, options and heap, generating google/cloud and its imports.
  const plainOut = path.join(os.tmpdir(), `bench-plain-ts-proto-${process.pid}`);
  const template = {
    version: "v2",
    plugins: [
      {
        local: [process.execPath, `--max-old-space-size=${HEAP}`, TS_PROTO],
        out: plainOut,
        strategy: "all",
        include_imports: true,
        opt: OPTIONS,
      },
    ],
  };
  const plain = expectExit(
    timed(BUF, ["generate", "--path", "google/cloud", "--template", JSON.stringify(template)], { cwd: repo.dir, runs: 1, warmup: 0 }),
    "buf generate",
  );
  const plainStats = treeStats(plainOut);
  rmSync(plainOut, { recursive: true, force: true });
  rows.push([
    "plain `buf generate --path google/cloud` (ts-proto, include_imports)",
    plain,
    `${plainStats.files} .ts files, ${plainStats.mb} MB`,
  ]);

  // 2. protoship generate, from scratch.
  const full = expectExit(
    timed(process.execPath, [PROTOSHIP, "generate", "--force"], { cwd: repo.dir, runs: 1, warmup: 0 }),
    "protoship generate",
  );
  const packages = full.last.stdout.split("\n").filter((l) => l.startsWith("generated ")).length;
  const stubStats = treeStats(path.join(repo.dir, "stubs"));
  rows.push(["`protoship generate` (full, from scratch)", full, `${packages} packages, ${stubStats.files} .ts files, ${stubStats.mb} MB`]);

  // 3. No-op rerun: nothing changed, the stamp answers without running buf.
  const noop = expectExit(
    timed(process.execPath, [PROTOSHIP, "generate"], { cwd: repo.dir, runs, warmup: 0 }),
    "protoship generate (no-op)",
  );
  rows.push([
    "`protoship generate` again, nothing changed",
    noop,
    `${noop.last.stdout.split("\n").filter((l) => l.startsWith("generated ")).length} packages written`,
  ]);

  // 4. One package changes (a comment, so its README/doc comments change): compile, hash, regenerate one.
  const file = path.join(repo.dir, CHANGED_FILE);
  const original = readFileSync(file, "utf8");
  if (!original.includes(CHANGED_FROM)) throw new Error(`corpus changed: ${CHANGED_FILE} lacks "${CHANGED_FROM}"`);
  const oneTimes = [];
  let one;
  for (let i = 0; i < Math.min(runs, 3); i++) {
    writeFileSync(file, original.replace(CHANGED_FROM, `${CHANGED_FROM} (edit ${i + 1})`));
    one = expectExit(
      timed(process.execPath, [PROTOSHIP, "generate"], { cwd: repo.dir, runs: 1, warmup: 0 }),
      "protoship generate (one change)",
    );
    oneTimes.push(one.median);
  }
  const written = one.last.stdout
    .split("\n")
    .filter((l) => l.startsWith("generated "))
    .map((l) => l.split(" ")[1]);
  rows.push([
    "`protoship generate` after editing one proto package",
    { ...one, times: oneTimes, median: oneTimes.sort((a, b) => a - b)[Math.floor(oneTimes.length / 2)] },
    `regenerated: ${written.join(", ")}`,
  ]);
  writeFileSync(file, original);

  // 5. Type-check everything generated with tsc --strict, in one program (packages resolve each
  // other through `paths`, as they would through node_modules).
  let typecheck = "skipped (BENCH_TYPECHECK=0)";
  if (process.env.BENCH_TYPECHECK !== "0") {
    writeFileSync(
      path.join(repo.dir, "tsconfig.check.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          esModuleInterop: true,
          isolatedModules: true,
          types: ["node"],
          baseUrl: ".",
          paths: { "@gcp/*": ["stubs/*/src/index.ts"] },
        },
        include: ["stubs/*/src/**/*.ts"],
      }),
    );
    const tsc = timed(
      process.execPath,
      [`--max-old-space-size=${HEAP}`, path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.check.json"],
      { cwd: repo.dir, runs: 1, warmup: 0 },
    );
    const errors = (tsc.last.stdout.match(/error TS\d+/g) ?? []).length;
    rows.push(["`tsc --strict --noEmit` over all generated packages", tsc, `${errors} errors (exit ${tsc.last.status})`]);
    typecheck = errors === 0 && tsc.last.status === 0 ? "zero errors" : `${errors} errors`;
  }

  const overhead = ((full.median / plain.median - 1) * 100).toFixed(1);
  return [
    "## protoship generate on google/cloud/** (google-proto-files)",
    "",
    `${repo.count} protos in the module; every proto package matching \`google.cloud.**\` becomes an npm package (${packages}); the packages it imports from elsewhere in googleapis (google.api, google.longrunning, google.rpc, google.type, google.iam, …) are copied into the packages that use them. ts-proto ${JSON.parse(readFileSync(path.join(ROOT, "node_modules/ts-proto/package.json"), "utf8")).version} with the plugin heap at ${HEAP} MB (ts-proto runs out of Node's default heap on this corpus). Heavy steps ran once; the no-op rerun ${runs} times (median).`,
    "",
    "| step | time | peak RSS | result |",
    "|---|---|---|---|",
    ...rows.map(([name, r, result]) => `| ${name} | ${fmt(r.median)} | ${peakMb(r)} MB | ${result} |`),
    "",
    `protoship vs plain buf generate: ${overhead >= 0 ? "+" : ""}${overhead}% (goal: ≤ 10%). No-op rerun: ${fmt(noop.median)} (goal: ≤ 1 s). Type-check: ${typecheck}.`,
  ].join("\n");
}
