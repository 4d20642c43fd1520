import type { Command } from "commander";
import { commandCwd, finish } from "./shared.js";

/** `protoship ci`: helpers for CI workflows; the work is in commands/ci-*.ts, loaded on use. */
export function registerCi(program: Command): void {
  const ci = program.command("ci").description("helpers for CI workflows");
  ci.command("matrix")
    .description('print the GitHub Actions matrix of generate shards as JSON: {"shard":["1/4",…]} (ci.shardAbove, ci.shards)')
    .option("--github-output", "also write matrix=<json> and shards=<n> to $GITHUB_OUTPUT (the step's outputs)")
    .action(async (opts: { githubOutput?: boolean }, command: Command) => {
      const { ciMatrix } = await import("../commands/ci-matrix.js");
      finish(command, await ciMatrix({ cwd: commandCwd(command), githubOutput: Boolean(opts.githubOutput) }));
    });
}
