import type { Command } from "commander";
import { commandCwd, finish } from "./shared.js";

/** `protoship init`: flags only; the work is in commands/init.ts, loaded on use. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("set protoship up in this repository: buf.yaml, protoship.yaml, the pre-push hook, CI workflows, .gitignore")
    .option("--scope <scope>", "npm scope of the generated stub packages (default: the package.json name's scope, else the folder name)")
    .option("--force", "replace files init wrote before even if they were changed since")
    .option("--dry-run", "print what would be written, write nothing")
    .option("--hooks", "only install the git pre-push hook (what the prepare script runs on npm install)")
    .action(async (opts, command: Command) => {
      const { init } = await import("../commands/init.js");
      finish(
        command,
        await init({
          cwd: commandCwd(command),
          ...(opts.scope ? { scope: opts.scope as string } : {}),
          force: opts.force === true,
          dryRun: opts.dryRun === true,
          hooksOnly: opts.hooks === true,
        }),
      );
    });
}
