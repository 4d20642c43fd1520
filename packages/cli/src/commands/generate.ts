import path from "node:path";
import { ExitCode, ProtoshipError } from "../errors.js";
import { staleStubs } from "../generate/check-stale.js";
import { generateStubs, type GenerateStubsOptions } from "../generate/generate-stubs.js";
import { resolveRepoPath } from "../workspace/repo-path.js";

export { generateStubs, type GenerateStubsOptions, type GenerateStubsResult, type GeneratedPackage } from "../generate/generate-stubs.js";

/** Options of `protoship generate`. */
export interface GenerateOptions extends GenerateStubsOptions {
  /** Where the summary goes (default: stdout). */
  write?: (text: string) => void;
}

/** `protoship generate`: writes the stub packages and prints one line per package. */
export async function generate(options: GenerateOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  // A folder named on the command line is held to the same rule as stubs.outDir.
  const outDir = options.outDir === undefined
    ? undefined
    : resolveRepoPath(options.cwd, options.outDir, { label: "--out-dir", output: true });
  const result = await generateStubs({ ...options, ...(outDir ? { outDir } : {}) });
  const changed = new Set(result.changed);
  for (const pkg of result.packages) {
    const rel = path.relative(options.cwd, pkg.dir) || ".";
    write(`${changed.has(path.basename(pkg.dir)) ? "generated" : "unchanged"} ${pkg.npmName}@${pkg.version} (${pkg.protoPackage}) in ${rel}\n`);
  }
  for (const name of result.changed) {
    if (!result.packages.some((p) => path.basename(p.dir) === name)) write(`removed ${path.relative(options.cwd, path.join(result.outDir, name))}\n`);
  }
  return ExitCode.Ok;
}

/**
 * `protoship generate --check`: writes nothing; prints one line per package folder that differs
 * from what generate would write (changed, missing and not-generated files), then exits 1 with
 * a one-line summary; exits 0 when every package is up to date.
 */
export async function generateCheck(options: Omit<GenerateOptions, "force" | "version">): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  // A folder named on the command line stays inside the repository and out of .git.
  const outDir =
    options.outDir === undefined ? {} : { outDir: resolveRepoPath(options.cwd, options.outDir, { label: "--out-dir", output: true }) };
  const report = await staleStubs({ ...options, ...outDir });
  const count = (n: number): string => `${n} stub package${n === 1 ? "" : "s"}`;
  for (const s of report.stale) {
    const rel = path.relative(options.cwd, s.dir) || ".";
    if (!s.pkg) {
      write(`stale ${rel}: generate would remove it\n`);
      continue;
    }
    const parts = [["changed", s.changed], ["missing", s.missing], ["not generated", s.extra]] as const;
    const what = parts.filter(([, files]) => files.length).map(([label, files]) => `${label} ${listFiles(files)}`);
    write(`stale ${s.pkg.npmName} (${s.pkg.protoPackage}) in ${rel}: ${what.join("; ")}\n`);
  }
  if (!report.stale.length) {
    write(`${count(report.packages.length)} up to date\n`);
    return ExitCode.Ok;
  }
  throw new ProtoshipError(`${report.stale.length} of ${count(report.packages.length)} differ from what protoship generate would write`, {
    exitCode: ExitCode.Findings,
    hint: "run protoship generate and commit the result",
  });
}

/** At most five file names, then how many more. */
function listFiles(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(", ");
  return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
}
