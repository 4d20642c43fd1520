// `pnpm bench` (node --import tsx scripts/bench/run.mjs): runs every benchmark in this folder in one run and writes BENCHMARKS.md with the
// machine it ran on. `pnpm run bench check` runs only the named ones. BENCH_RUNS sets the run count.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../lib.mjs";

const only = process.argv.slice(2);
/** Shared modules of the benchmarks, not benchmarks themselves. */
const HELPERS = ["run.mjs", "corpus.mjs", "timing.mjs", "memory.mjs"];
const runs = Number(process.env.BENCH_RUNS ?? 5);
const names = readdirSync(path.dirname(new URL(import.meta.url).pathname))
  .filter((f) => f.endsWith(".mjs") && !HELPERS.includes(f))
  .map((f) => f.replace(/\.mjs$/, ""))
  .filter((n) => !only.length || only.includes(n))
  .sort();

// Each benchmark's section is kept under .cache/bench/sections, so `pnpm run bench check` refreshes
// one section of BENCHMARKS.md and keeps the others (each section says when it ran).
const sectionsDir = path.join(ROOT, ".cache/bench/sections");
mkdirSync(sectionsDir, { recursive: true });
for (const name of names) {
  console.log(`▶ bench ${name}`);
  const mod = await import(`./${name}.mjs`);
  const section = await mod.bench({ runs });
  mkdirSync(sectionsDir, { recursive: true }); // a benchmark may have reset .cache/bench
  const stamped = `${section}\n\n_Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: \`pnpm run bench ${name}\`._`;
  console.log(stamped, "\n");
  writeFileSync(path.join(sectionsDir, `${name}.md`), stamped);
}
const all = readdirSync(path.dirname(new URL(import.meta.url).pathname))
  .filter((f) => f.endsWith(".mjs") && !HELPERS.includes(f))
  .map((f) => path.join(sectionsDir, f.replace(/\.mjs$/, ".md")))
  .sort();
const sections = all.filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8"));

const buf = execFileSync(path.join(ROOT, "node_modules/.bin/buf"), ["--version"], { encoding: "utf8" }).trim();
const header = [
  "# Benchmarks",
  "",
  `Produced by \`pnpm bench\` (scripts/bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}.`,
  "",
  `Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}; Node ${process.version}; buf ${buf}.`,
  "",
].join("\n");
writeFileSync(path.join(ROOT, "BENCHMARKS.md"), `${header}\n${sections.join("\n\n")}\n`);
