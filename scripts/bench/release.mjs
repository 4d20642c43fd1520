// Benchmark of `protoship release plan` on the google-proto-files corpus with every proto package
// tagged at one commit: the plan with nothing changed since the tags, and with one field's type
// changed in one file, beside a naive `buf breaking --against .git#…` of the whole module, in one run.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUF, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { expectExit, fmt, ratio, timeCommand } from "./timing.mjs";

const FILE = "google/pubsub/v1/pubsub.proto";
const FROM = "int64 partition_id = 3";
const SCOPE = "@bench";
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

/** Runs the benchmark and returns a Markdown section. */
export async function bench({ runs = 1 } = {}) {
  const repo = corpusRepo("release");
  writeFileSync(path.join(repo.dir, "protoship.yaml"), `stubs:\n  scope: "${SCOPE}"\n`);
  repo.git("add", "protoship.yaml");
  repo.git("commit", "-qm", "protoship.yaml");
  // Every unit released at this commit: the plan of the untagged corpus names them all.
  const first = JSON.parse(
    execFileSync(process.execPath, [PROTOSHIP, "release", "plan", "--json"], { cwd: repo.dir, maxBuffer: 1 << 30, encoding: "utf8" }),
  );
  const names = first.packages.map((p) => p.name);
  const tagged = repo.git("rev-parse", "HEAD");
  execFileSync("git", ["update-ref", "--stdin"], {
    cwd: repo.dir,
    input: names.map((n) => `create refs/tags/${n}@1.0.0 ${tagged}\n`).join(""),
  });

  const rows = [];
  const plan = () => timeCommand(process.execPath, [PROTOSHIP, "release", "plan", "--json"], { cwd: repo.dir, runs, warmup: 0 });
  // Nothing changed since the tags (a commit that touches no .proto file).
  writeFileSync(path.join(repo.dir, "README.md"), "corpus, released\n");
  repo.git("commit", "-qam", "docs only");
  const loadBefore = load();
  const unchanged = expectExit(plan(), "release plan (no change)");
  rows.push({ name: "`protoship release plan`, nothing changed since the tags", r: unchanged, load: load() });

  // One field's type changed in one file.
  const source = readFileSync(path.join(repo.dir, FILE), "utf8");
  if (!source.includes(FROM)) throw new Error(`corpus changed: ${FILE} lacks "${FROM}"`);
  writeFileSync(path.join(repo.dir, FILE), source.replace(FROM, "int32 partition_id = 3"));
  repo.git("commit", "-qam", "change a field type");
  const naive = expectExit(
    timeCommand(BUF, ["breaking", "--against", ".git#ref=HEAD~1", "--error-format", "json"], { cwd: repo.dir, runs, warmup: 0 }),
    "naive buf breaking",
    100,
  );
  rows.push({ name: "naive `buf breaking --against '.git#ref=HEAD~1'` (whole module)", r: naive, load: load() });
  const changed = expectExit(plan(), "release plan (one field)");
  rows.push({ name: "`protoship release plan`, one field changed since the tags", r: changed, load: load() });
  const planned = JSON.parse(changed.last.stdout).packages.filter((p) => p.next);

  return [
    `## Release plan: ${names.length} proto packages tagged, ${repo.count} protos`,
    "",
    `Corpus: google-proto-files, protoship.yaml \`stubs.scope: ${SCOPE}\`, every unit tagged \`<name>@1.0.0\` at one commit. Change: \`${FROM}\` → int32 in \`${FILE}\`, committed. ${runs} run(s) each, wall clock, measured one after the other in this run; machine load (1/5/15 min) at the start: ${loadBefore}.`,
    "",
    "| what | time | vs naive buf breaking | load after |",
    "| --- | ---: | ---: | --- |",
    ...rows.map((row) => `| ${row.name} | ${fmt(row.r.median)} | ${ratio(row.r.median, naive.median)} | ${row.load} |`),
    "",
    `- One field changed: the plan took **${(changed.median / naive.median).toFixed(2)}×** naive buf breaking (goal ≤ 0.5×); it releases ${planned.map((p) => `${p.name} ${p.next}`).join(", ") || "nothing"}.`,
    `- Nothing changed: ${fmt(unchanged.median)} (goal ≤ 5 s).`,
  ].join("\n");
}
