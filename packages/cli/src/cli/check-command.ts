import { Option, type Command } from "commander";
import { ProtoshipError } from "../errors.js";
import type { Step } from "../report/finding.js";
import { commandCwd, finish } from "./shared.js";

/** `protoship check`: flags only; the work is in commands/check.ts, loaded on use. */
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("format, lint and breaking-check the .proto files that changed since a base")
    // git runs a pre-push hook as `pre-push <remote> <url>`; hooks pass those on with "$@".
    .argument("[remote]", "with --pre-push: the remote's name, as git passes it to the hook")
    .argument("[url]", "with --pre-push: the remote's URL (accepted and unused)")
    .option("--against <ref>", "git ref to compare with (default: merge-base with upstream, else main/master)")
    .option("--pre-push", "read git's pre-push lines from stdin and check exactly the pushed commits")
    .option("--remote <name>", "with --pre-push: the remote being pushed to (same as the first argument)")
    .option("--staged", "check the index instead of the working tree")
    .option("--fix", "rewrite files that buf format would change (working tree only)")
    .option("--skip <steps>", "comma-separated steps to skip: format, lint, breaking", "")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "github-actions"]).default("text"))
    .action(async (remoteArg: string | undefined, url: string | undefined, opts, command: Command) => {
      if (remoteArg !== undefined && !opts.prePush) {
        const arg = JSON.stringify(remoteArg);
        throw new ProtoshipError(`check: unexpected argument ${arg} (only --pre-push takes git's hook arguments <remote> <url>)`);
      }
      if (remoteArg !== undefined && opts.remote !== undefined && remoteArg !== opts.remote) {
        const [flag, arg] = [JSON.stringify(opts.remote), JSON.stringify(remoteArg)];
        throw new ProtoshipError(`check: --remote ${flag} and the hook argument ${arg} disagree`);
      }
      void url;
      const options = {
        cwd: commandCwd(command),
        against: opts.against,
        prePush: Boolean(opts.prePush),
        remote: opts.remote ?? remoteArg,
        staged: Boolean(opts.staged),
        fix: Boolean(opts.fix),
        skip: parseSkip(opts.skip),
        output: opts.format,
      };
      // The repository is opened, and git's first queries started, while the command's code loads.
      const repo = import("../check/early-reads.js").then(({ openForCheck }) => openForCheck(options.cwd, options));
      repo.catch(() => {}); // check awaits it
      // What applies a plan (overlays, buf) loads beside too, when the working tree or the index is
      // checked (there is always a plan to apply then); a push loads it only once it has one.
      if (!options.prePush) import("../check/apply-comparison.js").catch(() => {}); // check imports it again
      const { check } = await import("../commands/check.js");
      finish(command, await check({ ...options, repo }));
    });
}

function parseSkip(value: string): Set<Step> {
  const steps = new Set<Step>();
  for (const raw of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw !== "format" && raw !== "lint" && raw !== "breaking") {
      throw new ProtoshipError(`--skip: unknown step "${raw}" (expected format, lint or breaking)`);
    }
    steps.add(raw);
  }
  return steps;
}
