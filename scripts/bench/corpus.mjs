// The real-world corpus for benchmarks: google-proto-files (googleapis + grafeas, ~7,200 protos,
// google/protobuf dropped because buf ships the well-known types) as a git repository on main
// with a bare remote. Built once under .cache/bench and reused.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../lib.mjs";
import { bufBinary } from "../../packages/cli/src/buf/run-buf.ts";
import { measureCommand } from "./memory.mjs";

export const CACHE = path.join(ROOT, ".cache/bench");
/**
 * buf's native binary, as a user who installed buf with Homebrew or Go runs it (npm's
 * `node_modules/.bin/buf` is a Node launcher that adds ~0.1 s per call, which would flatter
 * protoship in every comparison). run.mjs runs under tsx, so the CLI's TypeScript is importable.
 */
export const BUF = bufBinary();
export const PROTOSHIP = path.join(ROOT, "packages/cli/bin/protoship.js");

const git = (cwd, ...args) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** Returns { dir, remote, count }: a fresh clone of the cached corpus repository. */
export function corpusRepo(name = "corpus") {
  const seed = path.join(CACHE, "seed");
  const remote = path.join(CACHE, "remote.git");
  if (!existsSync(path.join(remote, "HEAD"))) {
    rmSync(CACHE, { recursive: true, force: true });
    mkdirSync(seed, { recursive: true });
    const src = path.join(ROOT, "node_modules/google-proto-files");
    cpSync(path.join(src, "google"), path.join(seed, "google"), { recursive: true });
    cpSync(path.join(src, "grafeas"), path.join(seed, "grafeas"), { recursive: true });
    rmSync(path.join(seed, "google/protobuf"), { recursive: true, force: true });
    writeFileSync(path.join(seed, "buf.yaml"), "version: v2\nlint:\n  use: [STANDARD]\nbreaking:\n  use: [FILE]\n");
    writeFileSync(path.join(seed, "README.md"), "corpus\n");
    git(seed, "init", "-q", "-b", "main");
    git(seed, "-c", "user.name=bench", "-c", "user.email=bench@protoship.invalid", "add", "-A");
    git(seed, "-c", "user.name=bench", "-c", "user.email=bench@protoship.invalid", "commit", "-qm", "corpus");
    git(CACHE, "init", "-q", "--bare", "-b", "main", remote);
    git(seed, "push", "-q", remote, "main");
  }
  const dir = path.join(CACHE, name);
  rmSync(dir, { recursive: true, force: true });
  git(CACHE, "clone", "-q", remote, dir);
  git(dir, "config", "user.name", "bench");
  git(dir, "config", "user.email", "bench@protoship.invalid");
  // A clone's index is "racily clean" (files as new as the index), so until something refreshes
  // it every `git diff` re-reads all 7,000 files. Any `git status` (or shell prompt) fixes that
  // in a real checkout; do the same so the benchmark measures a working copy, not a fresh clone.
  git(dir, "status", "--porcelain");
  const count = Number(execFileSync("sh", ["-c", "git ls-files '*.proto' | wc -l"], { cwd: dir, encoding: "utf8" }).trim());
  return { dir, remote, count, git: (...args) => git(dir, ...args) };
}

/** A 6-API slice of google/cloud (50 proto packages) as `stubs.include` globs: the stub benchmarks' default. */
export const CLOUD_SLICE = [
  "google.cloud.language.**",
  "google.cloud.kms.**",
  "google.cloud.tasks.**",
  "google.cloud.secretmanager.**",
  "google.cloud.translation.**",
  "google.cloud.speech.**",
];

/**
 * A fresh clone of the corpus set up for stub packages: an npm workspace of `packages/stubs/*`, a
 * buf module at the root that leaves node_modules out (linked later, it holds @grpc/grpc-js's
 * protos), and protoship.yaml with scope `@bench` and the given `stubs.include` globs.
 */
export function stubCorpusRepo(name, include) {
  const repo = corpusRepo(name);
  writeFileSync(
    path.join(repo.dir, "package.json"),
    `${JSON.stringify({ name: "bench-apis", private: true, workspaces: ["packages/stubs/*"] }, null, 2)}\n`,
  );
  writeFileSync(
    path.join(repo.dir, "buf.yaml"),
    "version: v2\nmodules:\n  - path: .\n    excludes: [node_modules]\nlint:\n  use: [STANDARD]\nbreaking:\n  use: [FILE]\n",
  );
  writeFileSync(path.join(repo.dir, "protoship.yaml"), `stubs:\n  scope: "@bench"\n  include: ${JSON.stringify(include)}\n`);
  return repo;
}

/** The TypeScript versions the stub benchmarks build with: this repository's 5.9 and testkit's TypeScript 7 (npm's latest). */
export const TYPESCRIPT = {
  5.9: path.join(ROOT, "node_modules/typescript"),
  7: path.join(ROOT, "packages/testkit/node_modules/typescript-7"),
};

/** Makes `version` the TypeScript of the stub workspace at `dir` (its root node_modules, which linkStubWorkspace made). */
export function useTypeScript(dir, version) {
  for (const at of [path.join(dir, "node_modules/typescript"), path.join(dir, "node_modules/.bin/tsc")]) rmSync(at, { force: true });
  symlinkSync(TYPESCRIPT[version], path.join(dir, "node_modules/typescript"));
  symlinkSync(path.join(TYPESCRIPT[version], "bin/tsc"), path.join(dir, "node_modules/.bin/tsc"));
}

/** `tsc --version` of `version`. */
export const tscVersion = (version) => execFileSync(path.join(TYPESCRIPT[version], "bin/tsc"), ["--version"], { encoding: "utf8" }).trim();

/** The load average (1, 5, 15 min), for the notes under a table: this machine may be shared. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");

/**
 * Runs a command (CI=1, turbo's telemetry off) and returns its wall time, CPU time (user + system of
 * it and the children it waited for, by /usr/bin/time) and peak process-tree memory; throws with
 * its output when it fails.
 */
export async function timedStep(label, cmd, args, { cwd, env = {} } = {}) {
  const r = await measureCommand("/usr/bin/time", ["-f", "\nCPU %U %S", cmd, ...args], {
    cwd,
    env: { CI: "1", TURBO_TELEMETRY_DISABLED: "1", ...env },
    intervalMs: 500,
  });
  if (r.last.status !== 0) throw new Error(`${label} exited ${r.last.status}\n${r.last.stdout.slice(-3000)}${r.last.stderr.slice(-3000)}`);
  const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.last.stderr);
  return { seconds: r.seconds, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN, peakMb: r.peakMb, stdout: r.last.stdout };
}

/** A goal's verdict for a table: the measured ratio or time against its bound. */
export const verdict = (value, bound) => (value <= bound ? "**met**" : "**not met**");
