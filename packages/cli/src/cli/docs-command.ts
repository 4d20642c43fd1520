import type { Command } from "commander";
import { commandCwd, finish } from "./shared.js";

/** `protoship docs`: flags only; the work is in commands/docs.ts, loaded on use. */
export function registerDocs(program: Command): void {
  program
    .command("docs")
    .description("build the static, searchable API documentation site of the module")
    .option("-o, --out <dir>", "output folder (default: docs.outDir in protoship.yaml, or site)")
    .option("--title <title>", "site title (default: docs.title)")
    .option("--no-versions", "leave out the release history (changelog and version switcher)")
    .action(async (opts, command: Command) => {
      const { docs } = await import("../commands/docs.js");
      finish(command, await docs({ cwd: commandCwd(command), outDir: opts.out, title: opts.title, noVersions: opts.versions === false }));
    });
}
