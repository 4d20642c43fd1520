import type { Command } from "commander";
import { commandCwd, finish } from "./shared.js";

/** `protoship publish`: flags only; the work is in commands/publish.ts, loaded on use. */
export function registerPublish(program: Command): void {
  program
    .command("publish")
    .description("build and publish the stub package of every release tag at HEAD (versions already on the registry are skipped)")
    .option("--tag <tag...>", "publish these release tags instead of those at HEAD")
    .option("--dry-run", "build and pack, show the files, publish nothing")
    .action(async (opts: { tag?: string[]; dryRun?: boolean }, command: Command) => {
      const { publish } = await import("../commands/publish.js");
      finish(command, await publish({ cwd: commandCwd(command), ...(opts.tag ? { tags: opts.tag } : {}), dryRun: Boolean(opts.dryRun) }));
    });
}
