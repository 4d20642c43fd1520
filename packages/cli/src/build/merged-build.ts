import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { EnvironmentError } from "../errors.js";
import { tsconfigCjs, tsconfigEsm } from "../generate/package-files.js";
import type { MergedBatch, PackageSources } from "./merged-plan.js";
import type { StubPackageOnDisk } from "./stub-workspace.js";
import { onInterrupt } from "../process/interrupt.js";

/** Reads what {@link planMergedBuild} needs of each package: its tsconfigs and its sources by content. */
export async function readPackageSources(packages: readonly StubPackageOnDisk[]): Promise<PackageSources[]> {
  return Promise.all(
    packages.map(async (pkg) => {
      const read = (file: string) => readFile(path.join(pkg.dir, file), "utf8").catch(() => undefined);
      const sources: PackageSources["sources"] = [];
      const src = path.join(pkg.dir, "src");
      for (const rel of await listFiles(src)) {
        if (rel.endsWith(NOT_A_FILE)) {
          sources.push({ rel, digest: "", size: 0 });
          continue;
        }
        const bytes = await readFile(path.join(src, rel));
        sources.push({ rel, digest: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
      }
      return { pkg, tsconfig: await read("tsconfig.json"), tsconfigCjs: await read("tsconfig.cjs.json"), sources };
    }),
  );
}

/** Marks a src/ entry that is no regular file (planMergedBuild sends its package to its own script). */
const NOT_A_FILE = " (not a regular file)";

/** Files under `dir` (no symlinks, no folders), `/`-separated relative paths, sorted; none when it is missing. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) files.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) files.push(rel);
    else files.push(`${rel}${NOT_A_FILE}`); // a symlink or special file: never a generated source, never read
  }
  return files;
}

/** What one tsc run printed when it failed. */
export interface BatchFailure {
  output: string;
}

/**
 * Builds one batch: copies its distinct sources into a tree under `cacheDir`, runs `tsc` there
 * twice with the generated tsconfigs' options (ESM with the type-check and declarations; CommonJS
 * with `noCheck`/`noResolve`), then writes each package's dist/ exactly as its build script does
 * (dist/esm: JavaScript and declarations; dist/cjs: the same declarations, CommonJS JavaScript and
 * `{"type":"commonjs"}`). Returns the failure when tsc fails; nothing is written to the packages then.
 */
export async function buildBatch(batch: MergedBatch, tsc: string, cacheDir: string): Promise<BatchFailure | undefined> {
  await rm(cacheDir, { recursive: true, force: true });
  const src = path.join(cacheDir, "src");
  const dirs = new Set([...batch.tree.keys()].map((rel) => path.dirname(path.join(src, rel))));
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
  await Promise.all([...batch.tree].map(([rel, from]) => copyFile(from, path.join(src, rel))));
  await writeFile(path.join(cacheDir, "package.json"), '{"type":"module"}\n');
  const esm = JSON.parse(tsconfigEsm()) as { compilerOptions: Record<string, unknown> };
  Object.assign(esm.compilerOptions, { outDir: "out/esm", paths: batch.paths });
  const cjs = JSON.parse(tsconfigCjs()) as { compilerOptions: Record<string, unknown> };
  Object.assign(cjs.compilerOptions, { outDir: "out/cjs" });
  await writeFile(path.join(cacheDir, "tsconfig.json"), JSON.stringify(esm));
  await writeFile(path.join(cacheDir, "tsconfig.cjs.json"), JSON.stringify(cjs));
  try {
    for (const config of ["tsconfig.json", "tsconfig.cjs.json"]) {
      const result = await runTsc(tsc, ["-p", config], cacheDir);
      if (result.code !== 0) return { output: result.output };
    }
    await writeDist(batch, cacheDir);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
    await rmdir(path.dirname(cacheDir)).catch(() => undefined); // the batches' parent, once empty
  }
  return undefined;
}

/** Each package's dist/ from the tree's output, as its build script writes it. */
async function writeDist(batch: MergedBatch, cacheDir: string): Promise<void> {
  for (const { pkg, index, files } of batch.packages) {
    const dist = path.join(pkg.dir, "dist");
    await rm(dist, { recursive: true, force: true });
    for (const rel of files) {
      const from = (rel === "index.ts" ? index : rel).replace(/\.ts$/, "");
      const to = rel.replace(/\.ts$/, "");
      await mkdir(path.dirname(path.join(dist, "esm", to)), { recursive: true });
      await mkdir(path.dirname(path.join(dist, "cjs", to)), { recursive: true });
      const out = (format: string, ext: string) => path.join(cacheDir, "out", format, `${from}${ext}`);
      await copyFile(out("esm", ".js"), path.join(dist, "esm", `${to}.js`));
      await copyFile(out("esm", ".d.ts"), path.join(dist, "esm", `${to}.d.ts`));
      await copyFile(out("esm", ".d.ts"), path.join(dist, "cjs", `${to}.d.ts`));
      await copyFile(out("cjs", ".js"), path.join(dist, "cjs", `${to}.js`));
    }
    await writeFile(path.join(dist, "cjs", "package.json"), '{"type":"commonjs"}\n');
  }
}

/** The `tsc` a package's build script runs: the first `node_modules/.bin/tsc` from its folder up to `root`. */
export function findTsc(dir: string, root: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const tsc = path.join(d, "node_modules", ".bin", "tsc");
    if (existsSync(tsc)) return tsc;
    if (d === root || path.dirname(d) === d) return undefined;
  }
}

function runTsc(tsc: string, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsc, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const forget = onInterrupt(() => child.kill());
    let output = "";
    const keep = (chunk: Buffer): void => {
      if (output.length < 64 * 1024) output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new EnvironmentError(`cannot run ${tsc}: ${error.message}`)));
    child.on("close", (code) => {
      forget();
      resolve({ code, output });
    });
  });
}
