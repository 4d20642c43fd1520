import path from "node:path";
import { ExitCode } from "../errors.js";
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
