import type { Command } from "commander";
import { ProtoshipError } from "../errors.js";
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
    .option("--check", "write nothing; exit 1 naming the packages whose files differ from what generate would write")
    .action(async (opts, command: Command) => {
      if (opts.check) {
        if (opts.force || opts.setVersion) {
          throw new ProtoshipError("--check compares with the committed packages; it takes neither --force nor --set-version");
        }
        const { generateCheck } = await import("../commands/generate.js");
        const only = opts.only ? { only: opts.only as string[] } : {};
        setExitCode(await generateCheck({ cwd: commandCwd(command), ...only, ...(opts.outDir ? { outDir: opts.outDir as string } : {}) }));
        return;
      }
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
