import type { Command } from "commander";
import { commandCwd, setExitCode } from "./shared.js";

/** `protoship generate`: flags only; the work is in commands/generate.ts, loaded on use. */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("generate one npm package of TypeScript gRPC stubs per proto package (ts-proto through buf generate)")
    .option("--only <names...>", "only these packages (npm names or proto packages)")
    .option("--out-dir <dir>", "where the package folders go (default: stubs.outDir in protoship.yaml)")
    .option("--force", "regenerate every package, even if nothing changed since the last run")
    .option("--set-version <version>", "version of the generated packages (default: keep the current one, else 0.0.0)")
    .action(async (opts, command: Command) => {
      const { generate } = await import("../commands/generate.js");
      setExitCode(
        await generate({
          cwd: commandCwd(command),
          ...(opts.only ? { only: opts.only as string[] } : {}),
          ...(opts.outDir ? { outDir: opts.outDir as string } : {}),
          ...(opts.setVersion ? { version: opts.setVersion as string } : {}),
          ...(opts.force ? { force: true } : {}),
        }),
      );
    });
}
