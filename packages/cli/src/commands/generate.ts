import path from "node:path";
import { ExitCode } from "../errors.js";
import { generateStubs, type GenerateStubsOptions } from "../generate/generate-stubs.js";

export { generateStubs, type GenerateStubsOptions, type GenerateStubsResult, type GeneratedPackage } from "../generate/generate-stubs.js";

/** Options of `protoship generate`. */
export interface GenerateOptions extends GenerateStubsOptions {
  /** Where the summary goes (default: stdout). */
  write?: (text: string) => void;
}

/** `protoship generate`: writes the stub packages and prints one line per package. */
export async function generate(options: GenerateOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const result = await generateStubs(options);
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
