// Benchmark of the pre-push gate on the google-proto-files corpus: one field's type changes in
// one file; naive full buf, hand-scoped buf, protoship check and --pre-push, and the floor (buf
// on just the changed file's import closure), side by side in one run.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { DEFAULTS } from "../../packages/cli/src/config/defaults.ts";
import { mergeBufYaml, mergeGitignore } from "../../packages/cli/src/init/merges.ts";
import { gitignoreLines } from "../../packages/cli/src/init/templates.ts";
import { BUF, CACHE, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { expectExit, fmt, ratio, timeCommand, timeInterleaved } from "./timing.mjs";

const FILE = "google/cloud/language/v1/language_service.proto";
const FROM = "int32 begin_offset = 2;";
const TO = "int64 begin_offset = 2;";
const PROTOSHIP_YAML = `# protoship's configuration (every key is optional; see "Configuration" in protoship's README).
stubs:
  scope: "@bench" # npm scope of the generated stub packages
  outDir: packages/stubs
release:
  branch: main # releases are tagged and published from this branch only
`;

/** Runs the benchmark and returns a Markdown section. */
// BENCH_NAIVE_RUNS sets the naive row's run count alone (two minutes a run on a quiet machine).
export async function bench({ runs = 5, naiveRuns = Number(process.env.BENCH_NAIVE_RUNS ?? runs) } = {}) {
  const repo = corpusRepo("check");
  // An adopted repository has protoship.yaml (as protoship init writes it), which every check reads,
  // init's .gitignore lines (node_modules/, where protoship keeps its caches), and buf.yaml with the
  // module excluding node_modules as init edits it (no lint baseline: lint still reports the debt).
  writeFileSync(path.join(repo.dir, "protoship.yaml"), PROTOSHIP_YAML);
  const bufYaml = path.join(repo.dir, "buf.yaml");
  writeFileSync(bufYaml, mergeBufYaml("buf.yaml", readFileSync(bufYaml, "utf8"), { ignoreOnly: {} }).text);
  writeFileSync(path.join(repo.dir, ".gitignore"), mergeGitignore(undefined, gitignoreLines("packages/stubs", DEFAULTS.docs.outDir)));
  repo.git("add", "protoship.yaml", ".gitignore", "buf.yaml");
  repo.git("commit", "-qm", "adopt protoship");
  // As if pushed (the cached remote stays as other benchmarks expect it).
  repo.git("update-ref", "refs/remotes/origin/main", "HEAD");
  const mainSha = repo.git("rev-parse", "HEAD");
  const sh = (script) => ["-c", script];

  // The change, in the working tree (protoship check) and committed on a branch (pre-push).
  repo.git("checkout", "-q", "-b", "change");
  const source = readFileSync(path.join(repo.dir, FILE), "utf8");
  if (!source.includes(FROM)) throw new Error(`corpus changed: ${FILE} lacks "${FROM}"`);
  writeFileSync(path.join(repo.dir, FILE), source.replace(FROM, TO));

  const rows = [];
  // Every timed command must have done its job: buf exits 100 and protoship 1 on these findings
  // (a command that failed early would otherwise look fast).
  const add = (name, command, result, expectedExit) => rows.push({ name, command, ...expectExit(result, name, expectedExit) });

  const naive = timeCommand("sh", sh(`"${BUF}" lint; "${BUF}" breaking --against '.git#branch=main'`), {
    cwd: repo.dir,
    runs: naiveRuns,
    warmup: 0,
  });
  add("1. naive full buf", "buf lint; buf breaking --against '.git#branch=main'", naive, 100);
  // The same change committed, for the pre-push run; the working tree is unchanged by it.
  repo.git("commit", "-qam", "change a field type");
  const sha = repo.git("rev-parse", "HEAD");
  const pushLine = `refs/heads/change ${sha} refs/heads/change ${"0".repeat(40)}\n`;

  // The floor: buf itself on only the changed file's import closure, at head and at base.
  const floorDir = path.join(CACHE, "floor");
  rmSync(floorDir, { recursive: true, force: true });
  const image = execFileSync(BUF, ["build", "--path", FILE, "-o", "-#format=binpb"], { cwd: repo.dir, maxBuffer: 1 << 30 });
  const closure = fromBinary(FileDescriptorSetSchema, image)
    .file.map((f) => f.name)
    .filter((n) => !n.startsWith("google/protobuf/"));
  for (const side of ["head", "base"]) {
    for (const name of closure) {
      const target = path.join(floorDir, side, name);
      mkdirSync(path.dirname(target), { recursive: true });
      if (side === "head") cpSync(path.join(repo.dir, name), target);
      else writeFileSync(target, execFileSync("git", ["show", `${mainSha}:${name}`], { cwd: repo.dir, maxBuffer: 1 << 30 }));
    }
    cpSync(path.join(repo.dir, "buf.yaml"), path.join(floorDir, side, "buf.yaml"));
  }

  // Hand-scoped buf clones the repository on every run, which pushes the rest of the machine's
  // files out of this VM's small page cache; it is timed on its own so it does not tax whichever
  // command runs after it. The light commands are then timed side by side, round-robin.
  const scoped = timeCommand(
    "sh",
    sh(
      `"${BUF}" lint --path ${FILE} --error-format json; "${BUF}" breaking --against '.git#branch=main' --path ${FILE} --error-format json`,
    ),
    { cwd: repo.dir, runs },
  );
  // A check reuses the base's image an earlier check built (node_modules/.cache/protoship/check-base-*):
  // rows 3a–3c are warm, as every check is until the base moves. Row 3d is the first check after
  // the base moved: its cached base images are removed before each run (the other caches stay).
  const cacheDir = path.join(repo.dir, "node_modules/.cache/protoship");
  const dropBaseImages = () => {
    let names = [];
    try {
      names = readdirSync(cacheDir);
    } catch {
      // No cache yet.
    }
    for (const name of names) if (name.startsWith("check-base-")) rmSync(path.join(cacheDir, name), { force: true });
  };
  const timed = timeInterleaved(
    {
      same: { cmd: process.execPath, args: [PROTOSHIP, "check", "--skip", "format", "--format", "json"], cwd: repo.dir },
      cold: {
        cmd: process.execPath,
        args: [PROTOSHIP, "check", "--skip", "format", "--format", "json"],
        cwd: repo.dir,
        before: dropBaseImages,
      },
      full: { cmd: process.execPath, args: [PROTOSHIP, "check", "--format", "json"], cwd: repo.dir },
      prePush: { cmd: process.execPath, args: [PROTOSHIP, "check", "--pre-push", "--remote", "origin"], cwd: repo.dir, input: pushLine },
      // breaking takes no --path here: buf would apply it to the --against folder relative to the
      // working directory and fail ("outside the context directory"); the closure module holds
      // only the closure, and its unchanged imports add no findings.
      floor: {
        cmd: "sh",
        args: sh(`"${BUF}" lint --path ${FILE} --error-format json; "${BUF}" breaking --against ../base --error-format json`),
        cwd: path.join(floorDir, "head"),
      },
    },
    { runs },
  );
  const { same, cold, full, prePush, floor } = timed;
  add("2. hand-scoped buf", `buf lint --path F; buf breaking --against '.git#branch=main' --path F`, scoped, 100);
  add("3a. protoship check --skip format (same work as 2)", "protoship check --skip format", same, 1);
  add("3b. protoship check (format + lint + breaking)", "protoship check", full, 1);
  add("3c. protoship check --pre-push (same commit)", "protoship check --pre-push", prePush, 1);
  add("3d. protoship check --skip format, first after the base moved (no cached base image)", "protoship check --skip format", cold, 1);
  add(
    `floor: buf on the import closure only (${closure.length} files)`,
    "buf lint --path F; buf breaking <closure> --against <closure at main>",
    floor,
    100,
  );

  // A push that touches no .proto file.
  writeFileSync(path.join(repo.dir, "README.md"), "corpus, edited\n");
  repo.git("commit", "-qam", "docs only");
  const docSha = repo.git("rev-parse", "HEAD");
  const noProto = timeCommand(process.execPath, [PROTOSHIP, "check", "--pre-push", "--remote", "origin"], {
    cwd: repo.dir,
    input: `refs/heads/change ${docSha} refs/heads/change ${sha}\n`,
    runs,
  });
  add("no-proto push: protoship check --pre-push", "protoship check --pre-push (README-only commit)", noProto, 0);

  // Findings must be identical to the hand-scoped buf run: same rules, same lines.
  const bufFindings = scoped.last.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l))
    .map((f) => `${f.path}:${f.start_line}:${f.start_column} ${f.type}`)
    .sort();
  const ours = JSON.parse(same.last.stdout)
    .findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule}`)
    .sort();
  const identical = JSON.stringify(bufFindings) === JSON.stringify(ours);
  const prePushFindings = JSON.parse(full.last.stdout).findings.filter((f) => f.step !== "format").length;

  const t = (r) => fmt(r.median);
  const verdict = (met) => (met ? "met" : "**not met**");
  const gateRows = [
    ["3a", same],
    ["3b", full],
    ["3c", prePush],
    ["3d", cold],
  ];
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  const lines = [
    `## Pre-push gate: one field's type changed in one file of ${repo.count} protos`,
    "",
    `Corpus: google-proto-files (googleapis + grafeas, google/protobuf dropped), buf.yaml with lint STANDARD and breaking FILE (its module excluding node_modules, as protoship init edits it), protoship.yaml and .gitignore as protoship init writes them. Change: \`${FROM}\` → \`${TO}\` in \`${FILE}\`. Median of ${runs} runs (naive: ${naiveRuns}) after one warm-up; rows 3a–3d and the floor are timed round-robin in one loop (the hand-scoped row clones the repository each run, so it runs on its own first); wall clock of the whole command. Rows 3a–3c reuse the base image an earlier check cached (as every check does until the base moves); before each run of 3d its cached base images are removed (the first check after a fetch moved the base).`,
    "",
    "| what | command | median | vs protoship check |",
    "| --- | --- | ---: | ---: |",
    ...rows.map((r) => `| ${r.name} | \`${r.command.replace(/\|/g, "\\|")}\` | ${t(r)} | ${ratio(r.median, same.median)} |`),
    "",
    `- protoship check (same steps as 2) is **${ratio(scoped.median, same.median)} faster** than hand-scoped buf and **${ratio(naive.median, same.median)} faster** than naive full buf.`,
    `- Goals, this run: median ≤ 0.6 s and ≤ 1.5× the floor — ${gateRows.map(([name, r]) => `${name} ${fmt(r.median)}, ${(r.median / floor.median).toFixed(2)}× (${verdict(r.median <= 0.6 && r.median <= 1.5 * floor.median)})`).join("; ")}; a push without .proto changes ≤ 0.3 s — ${fmt(noProto.median)} (${verdict(noProto.median <= 0.3)}). Machine load (1/5/15 min) at the end: ${load}.`,
    `- Findings identical to (2), same rules, same lines: **${identical ? "yes" : "NO"}** (${ours.length} findings: ${[...new Set(ours.map((l) => l.split(" ")[1]))].join(", ")}). The full check also reports buf format differences (${prePushFindings} lint/breaking findings + format).`,
  ];
  return lines.join("\n");
}
