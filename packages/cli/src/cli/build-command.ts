import type { Command } from "commander";
import { parsePositiveInteger } from "../generate/shard.js";
import { commandCwd, finish } from "./shared.js";

/** `protoship build`: flags only; the work is in commands/build.ts, loaded on use. */
export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("build the stub packages in dependency order, in parallel: each package's build script, after the packages it imports")
    .argument("[names...]", "only these stub packages (npm names) and the stub packages they import")
    .option("--jobs <n>", "package build scripts at once, for packages not built together (default: the number of cores)")
    .option("--out-dir <dir>", "where the stub packages are (default: stubs.outDir in protoship.yaml)")
    .action(async (names: string[], opts, command: Command) => {
      const { build } = await import("../commands/build.js");
      finish(
        command,
        await build({
          cwd: commandCwd(command),
          names,
          ...(opts.jobs === undefined ? {} : { jobs: parsePositiveInteger(opts.jobs as string, "--jobs") }),
          ...(opts.outDir ? { outDir: opts.outDir as string } : {}),
        }),
      );
    });
}
