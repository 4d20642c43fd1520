// Benchmark of issue 22 §2, "subsets compile only what they need": with `stubs.include` naming 6
// google/cloud APIs, a cold `protoship generate` (no stub package, no cached image) side by side,
// in one run, with a plain `buf generate --path <the APIs' folders>` of the same ts-proto plugin
// and options (generate.mjs's), plus a protoship run that compiles the whole module (a workspace of
// two modules, which it never cuts down) as the reference the subset's packages must equal byte for byte. Wall time and peak RSS of each command's whole process tree (memory.mjs).
//
// Goal: protoship ≤ 0.75× plain buf generate's time, ≤ 0.5× its memory, byte-identical packages.
// BENCH_SUBSET_INCLUDE (comma-separated globs) runs another slice, e.g. google.cloud.language.** to
// try the script quickly; BENCH_SUBSET_ORDER=protoship-first runs protoship before plain buf.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TS_PROTO_OPTIONS } from "../../packages/cli/src/generate/ts-proto-options.ts";
import { ROOT } from "../lib.mjs";
import { BUF, CLOUD_SLICE, PROTOSHIP, stubCorpusRepo } from "./corpus.mjs";
import { measureCommand } from "./memory.mjs";
import { expectExit, fmt } from "./timing.mjs";

const INCLUDE = process.env.BENCH_SUBSET_INCLUDE ? process.env.BENCH_SUBSET_INCLUDE.split(",") : CLOUD_SLICE;
const TS_PROTO = path.join(ROOT, "node_modules/ts-proto/protoc-gen-ts_proto");
// As generate.mjs's plain run: one plugin process with 60% of RAM as its heap.
const PLAIN_HEAP = Math.max(2048, Math.min(16384, Math.floor((os.totalmem() / 2 ** 20) * 0.6)));

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");

/**
 * A glob's folder for plain buf's --path: google.cloud.kms.** → google/cloud/kms. googleapis keeps
 * google.cloud.translation.* in google/cloud/translate/ (the one of the six not in its package's folder).
 */
const FOLDERS = { "google.cloud.translation.**": "google/cloud/translate" };
const folderOf = (glob) =>
  FOLDERS[glob] ??
  glob
    .replace(/\.\*\*$/, "")
    .split(".")
    .join("/");

/** Every file of the stub packages but protoship's stamps, by relative path. */
function readTree(dir) {
  const files = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith(".protoship-stamp")) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full), readFileSync(full));
  }
  return files;
}

/** A cold protoship generate in `repo`: no stub package, no cached image. */
async function coldGenerate(repo, what) {
  rmSync(path.join(repo.dir, "packages/stubs"), { recursive: true, force: true });
  rmSync(path.join(repo.dir, "node_modules/.cache/protoship"), { recursive: true, force: true });
  const r = expectExit(await measureCommand(process.execPath, [PROTOSHIP, "generate"], { cwd: repo.dir, intervalMs: 100 }), what);
  console.log(`${what}: ${fmt(r.seconds)}, ${r.peakMb} MB (load ${load()})`);
  return r;
}

async function plainBufGenerate(repo, folders) {
  const out = path.join(os.tmpdir(), `bench-subset-plain-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const template = {
    version: "v2",
    plugins: [
      {
        local: [process.execPath, `--max-old-space-size=${PLAIN_HEAP}`, TS_PROTO],
        out,
        strategy: "all",
        include_imports: true,
        opt: [...TS_PROTO_OPTIONS],
      },
    ],
  };
  const args = ["generate", ...folders.flatMap((f) => ["--path", f]), "--template", JSON.stringify(template)];
  const r = expectExit(await measureCommand(BUF, args, { cwd: repo.dir, intervalMs: 100 }), "buf generate");
  const files = readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith(".ts")).length;
  rmSync(out, { recursive: true, force: true });
  console.log(`plain buf generate: ${fmt(r.seconds)}, ${r.peakMb} MB, ${files} .ts files (load ${load()})`);
  return { ...r, files };
}

/** Runs the benchmark and returns a Markdown section. */
export async function bench() {
  const loadBefore = load();
  const folders = INCLUDE.map(folderOf);
  const subset = stubCorpusRepo("subset", INCLUDE);
  // The reference: the same include in a workspace of two modules (the corpus and one file of an
  // unselected package), which protoship compiles whole: the packages must be the same bytes.
  const whole = stubCorpusRepo("subset-whole", INCLUDE);
  mkdirSync(path.join(whole.dir, "zz-reference/zz/reference/v1"), { recursive: true });
  writeFileSync(path.join(whole.dir, "zz-reference/zz/reference/v1/reference.proto"), 'syntax = "proto3";\npackage zz.reference.v1;\n');
  writeFileSync(
    path.join(whole.dir, "buf.yaml"),
    "version: v2\nmodules:\n  - path: .\n    excludes: [node_modules, zz-reference]\n  - path: zz-reference\nlint:\n  use: [STANDARD]\nbreaking:\n  use: [FILE]\n",
  );

  let plain;
  let ours;
  if (process.env.BENCH_SUBSET_ORDER === "protoship-first") {
    ours = await coldGenerate(subset, "protoship generate (subset)");
    plain = await plainBufGenerate(subset, folders);
  } else {
    plain = await plainBufGenerate(subset, folders);
    ours = await coldGenerate(subset, "protoship generate (subset)");
  }
  const reference = await coldGenerate(whole, "protoship generate (whole module compiled)");
  const packages = ours.last.stdout.split("\n").filter((l) => l.startsWith("generated ")).length;

  const [a, b] = [readTree(path.join(subset.dir, "packages/stubs")), readTree(path.join(whole.dir, "packages/stubs"))];
  const differing = [...b].filter(([file, bytes]) => !a.get(file)?.equals(bytes)).length;
  const extra = [...a.keys()].filter((f) => !b.has(f)).length;
  const identical = differing === 0 && extra === 0 && a.size > 0;
  const loadAfter = load();

  const goal = (ok) => (ok ? "met" : "NOT met");
  const time = ours.seconds / plain.seconds;
  const memory = ours.peakMb / plain.peakMb;
  const row = (label, r, result) =>
    `| ${label} | ${fmt(r.seconds)} | ${(r.seconds / plain.seconds).toFixed(2)}× | ${r.peakMb} MB | ${(r.peakMb / plain.peakMb).toFixed(2)}× | ${result} |`;
  const version = JSON.parse(readFileSync(path.join(ROOT, "node_modules/ts-proto/package.json"), "utf8")).version;
  return [
    `## A subset compiles only what it needs: stubs.include of ${INCLUDE.length} google/cloud APIs (${packages} packages)`,
    "",
    `google-proto-files (${subset.count} protos), \`stubs.include\`: ${INCLUDE.map((g) => `\`${g}\``).join(", ")}. Cold runs (no stub`,
    "package, no cached image), one each, side by side in this run. Plain buf generate runs ts-proto",
    `${version} with protoship's options in one process (heap ${PLAIN_HEAP} MB, 60% of RAM) over \`--path\` the APIs' folders; the`,
    "reference run is protoship in a workspace of two modules (the corpus, one unselected file), which it compiles whole. Peak RSS",
    `is summed over each command's process tree, sampled every 100 ms; ${os.availableParallelism()} cores.`,
    "",
    "| command | time | vs plain buf | peak tree RSS | vs plain buf | result |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    row(`plain \`buf generate ${folders.map((f) => `--path ${f}`).join(" ")}\``, plain, `${plain.files} .ts files`),
    row("`protoship generate` (compiles the APIs' folders and their imports)", ours, `${packages} packages`),
    row("`protoship generate`, whole module compiled (reference)", reference, identical ? "same bytes" : "DIFFERENT"),
    "",
    `- time: ${time.toFixed(2)}× plain buf generate (goal ≤ 0.75×: ${goal(time <= 0.75)})`,
    `- memory: ${memory.toFixed(2)}× plain buf generate (goal ≤ 0.5×: ${goal(memory <= 0.5)})`,
    `- output: ${identical ? `byte-identical to the whole-module run (${a.size} files)` : `MISMATCH: ${differing} files differ or are missing, ${extra} extra`}`,
    "",
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.`,
  ].join("\n");
}
