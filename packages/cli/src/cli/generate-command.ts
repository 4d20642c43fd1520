import type { Command } from "commander";
import { ProtoshipError } from "../errors.js";
import { parsePositiveInteger, parseShard, parseShardCount } from "../generate/shard.js";
import { boundYoungGeneration } from "../generate/young-generation.js";
import { commandCwd, finish } from "./shared.js";

/** `protoship generate`: flags only; the work is in commands/generate.ts, loaded on use. */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("generate one npm package of TypeScript gRPC stubs per proto package (ts-proto on one buf image, in parallel batches)")
    .option("--only <names...>", "only these packages (npm names or proto packages)")
    .option("--out-dir <dir>", "where the package folders go (default: stubs.outDir in protoship.yaml)")
    .option("--force", "regenerate every package, even if nothing changed since the last run")
    .option("--set-version <version>", "version of the generated packages (default: keep the current one, else 0.0.0)")
    .option(
      "--check",
      "write nothing; exit 1 naming the packages whose files differ from what generate would write (with --shard: that share's)",
    )
    .option("--jobs <n>", "ts-proto processes at once (default: the number of cores)")
    .option("--shard <i/n>", "generate only share i of n (a CI matrix job); other packages are left alone")
    .option("--list-shards <n>", "print the packages of each of n shards as JSON and write nothing")
    .action(async (opts, command: Command) => {
      boundYoungGeneration();
      const jobs = opts.jobs === undefined ? {} : { jobs: parsePositiveInteger(opts.jobs as string, "--jobs") };
      const shard = opts.shard === undefined ? {} : { shard: parseShard(opts.shard as string) };
      if (opts.listShards !== undefined) {
        const count = parseShardCount(opts.listShards as string, "--list-shards");
        const { generateListShards } = await import("../commands/generate.js");
        finish(command, await generateListShards({ cwd: commandCwd(command), count }));
        return;
      }
      if (opts.check) {
        if (opts.force || opts.setVersion) {
          throw new ProtoshipError("--check compares with the committed packages; it takes neither --force nor --set-version");
        }
        const { generateCheck } = await import("../commands/generate.js");
        const only = opts.only ? { only: opts.only as string[] } : {};
        finish(
          command,
          await generateCheck({
            cwd: commandCwd(command),
            ...only,
            ...jobs,
            ...shard,
            ...(opts.outDir ? { outDir: opts.outDir as string } : {}),
          }),
        );
        return;
      }
      const { generate } = await import("../commands/generate.js");
      finish(
        command,
        await generate({
          cwd: commandCwd(command),
          ...(opts.only ? { only: opts.only as string[] } : {}),
          ...(opts.outDir ? { outDir: opts.outDir as string } : {}),
          ...(opts.setVersion ? { version: opts.setVersion as string } : {}),
          ...(opts.force ? { force: true } : {}),
          ...jobs,
          ...shard,
        }),
      );
    });
}
