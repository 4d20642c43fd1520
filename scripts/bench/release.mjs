// Benchmark of `protoship release plan` on the google-proto-files corpus with every proto package
// tagged at one commit, measured side by side in one run (rounds alternating the commands): the
// plan with one field's type changed since the tags beside a naive `buf breaking --against .git#…`
// of the whole module, and the plan with nothing changed since the tags.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUF, CACHE, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { fmt, median } from "./timing.mjs";

const FILE = "google/pubsub/v1/pubsub.proto";
const FROM = "int64 partition_id = 3";
const SCOPE = "@bench";
/** The plan's file facts (release/file-facts.ts), inside each clone. */
const FACTS = "node_modules/.cache/protoship/release-facts.json";
/** At most this many rounds: one naive buf breaking of the whole corpus is most of a round. */
const MAX_ROUNDS = 3;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

/** Runs a command once: seconds, CPU seconds of the command and its children (user + system), and the result. */
function timeOnce(cmd, args, cwd, expected = 0) {
  const before = childrenCpu();
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== expected)
    throw new Error(`${cmd} ${args.join(" ")}: exit ${result.status}, expected ${expected}\n${(result.stderr ?? "").slice(-2000)}`);
  return { seconds, cpu: childrenCpu() - before, result };
}

/** CPU seconds of this process's finished children (cutime + cstime of /proc/self/stat; 0 off Linux). */
function childrenCpu() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: state is field 0, so cutime and cstime (stat fields 16, 17) are 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs the benchmark and returns a Markdown section. `keep` (smoke tests only) keeps just those
 * folders of the corpus.
 */
export async function bench({ runs = 3, keep } = {}) {
  const rounds = Math.max(1, Math.min(runs, MAX_ROUNDS));
  const unchangedRepo = corpusRepo("release");
  const git = unchangedRepo.git;
  if (keep) {
    for (const top of git("ls-files", "*.proto").split("\n")) {
      if (!keep.some((k) => top.startsWith(k))) rmSync(path.join(unchangedRepo.dir, top));
    }
    git("add", "-A");
    git("commit", "-qm", "smoke: a slice of the corpus");
  }
  const count = Number(execFileSync("sh", ["-c", "git ls-files '*.proto' | wc -l"], { cwd: unchangedRepo.dir, encoding: "utf8" }).trim());
  writeFileSync(path.join(unchangedRepo.dir, "protoship.yaml"), `stubs:\n  scope: "${SCOPE}"\n`);
  writeFileSync(path.join(unchangedRepo.dir, ".gitignore"), "node_modules/\n");
  git("add", "protoship.yaml", ".gitignore");
  git("commit", "-qm", "protoship.yaml");

  // The first plan (nothing cached, nothing tagged) compiles every file and keeps their facts.
  const first = timeOnce(process.execPath, [PROTOSHIP, "release", "plan", "--json"], unchangedRepo.dir);
  const names = JSON.parse(first.result.stdout).packages.map((p) => p.name);
  const tagged = git("rev-parse", "HEAD");
  execFileSync("git", ["update-ref", "--stdin"], {
    cwd: unchangedRepo.dir,
    input: names.map((n) => `create refs/tags/${n}@1.0.0 ${tagged}\n`).join(""),
  });
  // Nothing changed since the tags: a commit that touches no .proto file.
  writeFileSync(path.join(unchangedRepo.dir, "README.md"), "corpus, released\n");
  git("commit", "-qam", "docs only");

  // A second clone, tags and facts included, where one field's type changed since the tags.
  const changedDir = path.join(CACHE, "release-field");
  rmSync(changedDir, { recursive: true, force: true });
  execFileSync("git", ["clone", "-q", "--no-local", unchangedRepo.dir, changedDir]);
  const cgit = (...args) => execFileSync("git", args, { cwd: changedDir, encoding: "utf8" }).trim();
  cgit("config", "user.name", "bench");
  cgit("config", "user.email", "bench@protoship.invalid");
  cgit("status", "--porcelain");
  const source = readFileSync(path.join(changedDir, FILE), "utf8");
  if (!source.includes(FROM)) throw new Error(`corpus changed: ${FILE} lacks "${FROM}"`);
  writeFileSync(path.join(changedDir, FILE), source.replace(FROM, "int32 partition_id = 3"));
  cgit("commit", "-qam", "change a field type");
  const facts = readFileSync(path.join(unchangedRepo.dir, FACTS));
  const restoreFacts = () => {
    mkdirSync(path.dirname(path.join(changedDir, FACTS)), { recursive: true });
    writeFileSync(path.join(changedDir, FACTS), facts);
  };

  const plan = (dir) => timeOnce(process.execPath, [PROTOSHIP, "release", "plan", "--json"], dir);
  const times = { naive: [], field: [], unchanged: [] };
  let fieldPlan;
  let unchangedPlan;
  const loadBefore = load();
  for (let round = 0; round < rounds; round++) {
    // Alternate the order, so neither command always runs on the other's page cache.
    const order = round % 2 === 0 ? ["naive", "field", "unchanged"] : ["field", "naive", "unchanged"];
    for (const what of order) {
      if (what === "naive") {
        times.naive.push(timeOnce(BUF, ["breaking", "--against", ".git#ref=HEAD~1", "--error-format", "json"], changedDir, 100));
      } else if (what === "field") {
        // As a pull request's job finds it: the facts of the tagged commit, not yet of the changed file.
        restoreFacts();
        const r = plan(changedDir);
        fieldPlan = r.result.stdout;
        times.field.push(r);
      } else {
        const r = plan(unchangedRepo.dir);
        unchangedPlan = r.result.stdout;
        times.unchanged.push(r);
      }
    }
  }
  // The no-change plan with nothing cached (a fresh checkout without the cache): HEAD is listed by one whole compile.
  rmSync(path.join(unchangedRepo.dir, FACTS), { force: true });
  const cold = plan(unchangedRepo.dir);
  if (cold.result.stdout !== unchangedPlan) throw new Error("the no-change plan differs with and without the facts cache");
  const loadAfter = load();

  const med = (list) => median(list.map((r) => r.seconds));
  const cpu = (list) => median(list.map((r) => r.cpu));
  const naive = med(times.naive);
  const field = med(times.field);
  const unchanged = med(times.unchanged);
  const released = JSON.parse(fieldPlan).packages.filter((p) => p.next);
  const releasedUnchanged = JSON.parse(unchangedPlan).packages.filter((p) => p.next);
  if (releasedUnchanged.length) throw new Error(`the no-change plan releases ${releasedUnchanged.map((p) => p.name).join(", ")}`);
  const row = (name, list, vs) =>
    `| ${name} | ${fmt(med(list))} | ${cpu(list).toFixed(1)} s | ${vs === undefined ? "—" : `${(med(list) / vs).toFixed(2)}×`} | ${list.map((r) => r.seconds.toFixed(1)).join(", ")} |`;
  const ok = (cond) => (cond ? "met" : "**not met**");

  return [
    `## Release plan: ${names.length} proto packages tagged, ${count} protos`,
    "",
    `Corpus: google-proto-files${keep ? ` (smoke: only ${keep.join(", ")})` : ""}, protoship.yaml \`stubs.scope: ${SCOPE}\`, every unit tagged \`<name>@1.0.0\` at one commit, node_modules ignored. One field changed: \`${FROM}\` → int32 in \`${FILE}\`, committed, in a second clone. ${rounds} round(s), each running the three commands (order alternating between rounds), wall clock median and the children's CPU time; the plans start with the file facts the first plan of the tagged commit kept (\`${FACTS}\`, restored before each one-field run, so the changed file is new to it each time). Load (1/5/15 min) at the start: ${loadBefore}; at the end: ${loadAfter}.`,
    "",
    "| what | median | CPU | vs naive buf breaking | each run (s) |",
    "| --- | ---: | ---: | ---: | --- |",
    row("naive `buf breaking --against '.git#ref=HEAD~1'` (whole module)", times.naive, naive),
    row("`protoship release plan`, one field changed since the tags", times.field, naive),
    row("`protoship release plan`, nothing changed since the tags", times.unchanged, naive),
    row("`protoship release plan`, nothing changed, no facts cached (HEAD compiled whole once)", [cold], naive),
    row("`protoship release plan` of the untagged corpus (first plan: every file compiled)", [first], naive),
    "",
    `- One field changed: the plan took **${(field / naive).toFixed(2)}×** naive buf breaking (goal ≤ 0.5×: ${ok(field / naive <= 0.5)}); it releases ${released.map((p) => `${p.name} ${p.next}`).join(", ") || "nothing"}.`,
    `- Nothing changed: **${fmt(unchanged)}** (goal ≤ 5 s: ${ok(unchanged <= 5)}), nothing released; without the facts cache ${fmt(cold.seconds)} (the same plan).`,
  ].join("\n");
}
