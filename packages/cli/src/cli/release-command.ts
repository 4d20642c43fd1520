import type { Command } from "commander";
import { ProtoshipError } from "../errors.js";
import { commandCwd, finish } from "./shared.js";

/** `protoship release plan|tag`: flags only; the work is in commands/release-*.ts, loaded on use. */
export function registerRelease(program: Command): void {
  const release = program.command("release").description("derive versions from schema changes and tag releases");
  release
    .command("plan")
    .description("show the next version of every proto package, derived from its schema changes since its last release tag")
    .option("--json", "print JSON: {packages:[{name,protoPackage,current,next,bump,changes}]}")
    .option("--markdown", "print Markdown (e.g. for a GitHub job summary)")
    .option(
      "--pr-comment",
      "also keep the plan as one pull-request comment, edited in place (GitHub Actions, GITHUB_TOKEN with pull-requests: write)",
    )
    .action(async (opts: { json?: boolean; markdown?: boolean; prComment?: boolean }, command: Command) => {
      if (opts.json && opts.markdown) throw new ProtoshipError("--json and --markdown cannot be combined");
      const { releasePlan } = await import("../commands/release-plan.js");
      const output = opts.json ? "json" : opts.markdown ? "markdown" : "text";
      finish(command, await releasePlan({ cwd: commandCwd(command), output, ...(opts.prComment ? { prComment: true } : {}) }));
    });
  release
    .command("tag")
    .description("create one annotated tag per package to release and push them in one atomic push")
    .option("--dry-run", "print the tags that would be created, change nothing")
    .option("--no-push", "create the tags locally only")
    .action(async (opts: { dryRun?: boolean; push: boolean }, command: Command) => {
      const { releaseTag } = await import("../commands/release-tag.js");
      finish(command, await releaseTag({ cwd: commandCwd(command), dryRun: Boolean(opts.dryRun), push: opts.push }));
    });
}
