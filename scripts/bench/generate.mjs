// Benchmark of `protoship generate` on the real-world corpus: TypeScript stubs for every proto
// package under google/cloud/** of google-proto-files (one npm package each), side by side with a
// plain `buf generate` of the same ts-proto plugin and options: protoship with 2 jobs from scratch,
// each `--shard i/4` from scratch (their union must equal the unsharded output byte for byte), a
// no-op rerun, a change to one package, and a tsc --strict type-check of everything generated.
// Peak memory is the summed RSS of each command's whole process tree (memory.mjs), not one process's.
//
// BENCH_GENERATE_GLOB=google/cloud/language/** runs on that subset only (the module is cut down to
// it and the googleapis folders it imports), to try the script without the full run's ~15 GB.
// BENCH_TYPECHECK=0 skips the type-check (the heaviest step: several GB of memory).
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUF, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { measureCommand } from "./memory.mjs";
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
const JOBS = 2;
const SHARDS = 4;
// What a subset keeps besides itself: the googleapis folders google/cloud packages import (their
// files, not their sub-folders: google/api/servicecontrol would pull in google/logging, …).
const SUBSET_DEPENDENCIES = ["google/api", "google/rpc", "google/type", "google/longrunning", "google/iam/v1"];

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

/** Every file under `dir` but protoship's stamps, by relative path. */
function readTree(dir, into = new Map()) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith(".protoship-stamp")) continue;
    const full = path.join(entry.parentPath, entry.name);
    into.set(path.relative(dir, full), readFileSync(full));
  }
  return into;
}

/** The corpus clone, cut down to `glob`'s folder and its usual imports when BENCH_GENERATE_GLOB is set. */
function prepare(glob) {
  const repo = corpusRepo("generate");
  const prefix = glob ? glob.replace(/\/\*\*$/, "").replace(/\/$/, "") : "google/cloud";
  if (glob) {
    const keep = [prefix, ...SUBSET_DEPENDENCIES];
    const kept = (dir) => dir === prefix || dir.startsWith(`${prefix}/`) || keep.some((k) => dir === k || k.startsWith(`${dir}/`));
    const walk = (rel) => {
      for (const name of readdirSync(path.join(repo.dir, rel))) {
        const file = rel ? `${rel}/${name}` : name;
        if (name === ".git" || !statSync(path.join(repo.dir, file)).isDirectory()) continue;
        if (!kept(file)) rmSync(path.join(repo.dir, file), { recursive: true, force: true });
        else walk(file);
      }
    };
    walk("");
    repo.git("add", "-A");
    repo.git("commit", "-qm", `subset: ${glob}`);
    repo.count = repo.git("ls-files", "*.proto").split("\n").filter(Boolean).length;
  }
  const pattern = `${prefix.split("/").join(".")}.**`;
  writeFileSync(path.join(repo.dir, "protoship.yaml"), `stubs:\n  scope: "@gcp"\n  outDir: stubs\n  include: ["${pattern}"]\n`);
  return { repo, prefix, pattern };
}

const protoship = (args, cwd) => measureCommand(process.execPath, [PROTOSHIP, "generate", ...args], { cwd });

/** Runs the benchmark and returns a Markdown section. */
export async function bench({ runs = 5 } = {}) {
  const glob = process.env.BENCH_GENERATE_GLOB;
  const { repo, prefix, pattern } = prepare(glob);
  const rows = [];

  // 1. Plain buf generate: the same plugin and options, one process, today's 60%-of-RAM heap.
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
    await measureCommand(BUF, ["generate", "--path", prefix, "--template", JSON.stringify(template)], { cwd: repo.dir }),
    "buf generate",
  );
  const plainStats = treeStats(plainOut);
  rmSync(plainOut, { recursive: true, force: true });
  rows.push([
    `plain \`buf generate --path ${prefix}\` (ts-proto, include_imports)`,
    plain,
    `${plainStats.files} .ts files, ${plainStats.mb} MB`,
  ]);

  // 2. protoship generate with 2 jobs, from scratch (no stub, no cached image).
  const stubs = path.join(repo.dir, "stubs");
  const imageCache = path.join(repo.dir, "node_modules/.cache/protoship");
  rmSync(stubs, { recursive: true, force: true });
  rmSync(imageCache, { recursive: true, force: true });
  const full = expectExit(await protoship(["--jobs", String(JOBS)], repo.dir), "protoship generate");
  const packages = full.last.stdout.split("\n").filter((l) => l.startsWith("generated ")).length;
  const stubStats = treeStats(stubs);
  rows.push([
    `\`protoship generate --jobs ${JOBS}\` (full, from scratch)`,
    full,
    `${packages} packages, ${stubStats.files} .ts files, ${stubStats.mb} MB`,
  ]);

  // 3. Each shard into its own folder, as CI matrix jobs would: first from scratch (a runner with
  // nothing cached compiles the module itself), then after a planning step (`--list-shards`, as the
  // matrix's planning job) whose compiled image the shards restore (node_modules/.cache/protoship).
  // Each time, the shards' union must be the unsharded output.
  const whole = readTree(stubs);
  const shardRun = async (label, before) => {
    const runs = [];
    const union = new Map();
    let overlap = 0;
    for (let i = 1; i <= SHARDS; i++) {
      const out = `shard-${i}`;
      rmSync(path.join(repo.dir, out), { recursive: true, force: true });
      before();
      const shard = expectExit(
        await protoship(["--jobs", String(JOBS), "--shard", `${i}/${SHARDS}`, "--out-dir", out], repo.dir),
        `shard ${i}`,
      );
      const count = shard.last.stdout.split("\n").filter((l) => l.startsWith("generated ")).length;
      for (const [file, bytes] of readTree(path.join(repo.dir, out))) {
        if (union.has(file)) overlap++;
        union.set(file, bytes);
      }
      rmSync(path.join(repo.dir, out), { recursive: true, force: true });
      runs.push(shard);
      rows.push([`\`protoship generate --shard ${i}/${SHARDS}\` (${label})`, shard, `${count} package${count === 1 ? "" : "s"}`]);
    }
    const differing = [...whole].filter(([file, bytes]) => !union.get(file)?.equals(bytes)).length;
    const extra = [...union.keys()].filter((f) => !whole.has(f)).length;
    const check =
      differing === 0 && extra === 0 && overlap === 0
        ? `the ${SHARDS} shards (${label}) are disjoint and together byte-identical to the unsharded output (${whole.size} files)`
        : `MISMATCH (${label}): ${differing} files differ or are missing, ${extra} extra, ${overlap} written by two shards`;
    return { runs, check };
  };
  const cold = await shardRun("from scratch, nothing cached", () => rmSync(imageCache, { recursive: true, force: true }));
  rmSync(imageCache, { recursive: true, force: true });
  const plan = expectExit(
    await measureCommand(process.execPath, [PROTOSHIP, "generate", "--list-shards", String(SHARDS)], { cwd: repo.dir }),
    "list-shards",
  );
  rows.push([`planning: \`protoship generate --list-shards ${SHARDS}\` (compiles and caches the image)`, plan, "the partition, as JSON"]);
  const planned = await shardRun("with the planning step's image", () => {});
  const shards = planned.runs;
  const shardCheck = `${cold.check}; ${planned.check}`;

  // 4. No-op rerun: nothing changed, the stamp answers without running buf.
  const noop = expectExit(
    timeCommand(process.execPath, [PROTOSHIP, "generate", "--jobs", String(JOBS)], { cwd: repo.dir, runs, warmup: 0 }),
    "no-op",
  );
  rows.push([
    "`protoship generate` again, nothing changed",
    noop,
    `${noop.last.stdout.split("\n").filter((l) => l.startsWith("generated ")).length} packages written`,
  ]);

  // 5. One package changes (a comment): compile, hash, regenerate one (when the subset holds it).
  const file = path.join(repo.dir, CHANGED_FILE);
  let original;
  try {
    original = readFileSync(file, "utf8");
  } catch {
    original = undefined;
  }
  if (original !== undefined) {
    if (!original.includes(CHANGED_FROM)) throw new Error(`corpus changed: ${CHANGED_FILE} lacks "${CHANGED_FROM}"`);
    writeFileSync(file, original.replace(CHANGED_FROM, `${CHANGED_FROM} (edit)`));
    const one = expectExit(await protoship(["--jobs", String(JOBS)], repo.dir), "protoship generate (one change)");
    const written = one.last.stdout
      .split("\n")
      .filter((l) => l.startsWith("generated "))
      .map((l) => l.split(" ")[1]);
    rows.push(["`protoship generate` after editing one proto package", one, `regenerated: ${written.join(", ")}`]);
    writeFileSync(file, original);
  }

  // 6. Type-check everything generated with tsc --strict, in one program.
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
    const tsc = await measureCommand(
      process.execPath,
      [`--max-old-space-size=${HEAP}`, path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.check.json"],
      { cwd: repo.dir },
    );
    const errors = (tsc.last.stdout.match(/error TS\d+/g) ?? []).length;
    rows.push(["`tsc --strict --noEmit` over all generated packages", tsc, `${errors} errors (exit ${tsc.last.status})`]);
    typecheck = errors === 0 && tsc.last.status === 0 ? "zero errors" : `${errors} errors`;
  }

  // 7. Turbo remote cache: the build of the generated packages with a warm remote cache.
  // (Section kept for the turbo-remote-cache benchmark: add its rows here, before the goals.)

  const slowestShard = Math.max(...shards.map((s) => s.median));
  const slowestCold = Math.max(...cold.runs.map((s) => s.median));
  const goal = (ok) => (ok ? "met" : "NOT met");
  const goals = [
    `peak tree RSS with ${JOBS} jobs: ${full.peakMb} MB (goal ≤ 3072 MB: ${goal(full.peakMb <= 3072)})`,
    `wall vs plain buf generate: ${(full.median / plain.median).toFixed(2)}× (goal ≤ 0.6×: ${goal(full.median <= 0.6 * plain.median)})`,
    `slowest shard vs the unsharded protoship run, with the planning step's image: ${(slowestShard / full.median).toFixed(2)}× (goal ≤ 0.35× each: ${goal(slowestShard <= 0.35 * full.median)}); from scratch, nothing cached: ${(slowestCold / full.median).toFixed(2)}× (each compiles the whole module first: ${fmt(plan.median)} of planning alone)`,
    `no-op rerun: ${fmt(noop.median)} (goal ≤ 1 s: ${goal(noop.median <= 1)})`,
    `shards: ${shardCheck}`,
    `type-check: ${typecheck}`,
  ];
  const scope = glob
    ? `the subset \`${glob}\` (BENCH_GENERATE_GLOB; the module cut down to it and ${SUBSET_DEPENDENCIES.join(", ")})`
    : "google/cloud/**";
  const version = JSON.parse(readFileSync(path.join(ROOT, "node_modules/ts-proto/package.json"), "utf8")).version;
  return [
    `## protoship generate on ${scope} (google-proto-files)`,
    "",
    `${repo.count} protos in the corpus; every proto package matching \`${pattern}\` becomes an npm package (${packages}); the packages it imports from elsewhere in googleapis are copied into the packages that use them. ts-proto ${version}; the plain run's plugin heap is ${HEAP} MB (60% of RAM), protoship runs its plugins within a memory budget (1 GiB a job, at least 2 GiB) and sizes each one's heap to its batch. Peak RSS is the sum over each command's process tree, sampled every 150 ms. Heavy steps ran once; the no-op rerun ${runs} times (median).`,
    "",
    "| step | time | vs plain buf | peak tree RSS | result |",
    "|---|---|---|---|---|",
    ...rows.map(
      ([name, r, result]) =>
        `| ${name} | ${fmt(r.median)} | ${(r.median / plain.median).toFixed(2)}× | ${r.peakMb === undefined ? "–" : `${r.peakMb} MB`} | ${result} |`,
    ),
    "",
    ...goals.map((g) => `- ${g}`),
  ].join("\n");
}
