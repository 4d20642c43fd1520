import { Command } from "commander";
import { registerBuild } from "./cli/build-command.js";
import { registerCi } from "./cli/ci-command.js";
import { registerCheck } from "./cli/check-command.js";
import { registerDocs } from "./cli/docs-command.js";
import { registerGenerate } from "./cli/generate-command.js";
import { registerInit } from "./cli/init-command.js";
import { registerPublish } from "./cli/publish-command.js";
import { registerRelease } from "./cli/release-command.js";
import { protoshipVersion } from "./version.js";

/**
 * The command tree. Each command's flags live in src/cli/<name>-command.ts and its work in
 * src/commands/<name>.ts, imported only when the command runs, so `protoship check --pre-push`
 * on a push without protos pays only for what it uses.
 */
export function buildProgram(): Command {
  const program = new Command("protoship")
    .description("Lint, check, release, generate and document protobuf APIs from git.")
    .version(protoshipVersion(), "-v, --version")
    .option("-C, --cwd <dir>", "run as if protoship was started in <dir> (like git -C)")
    .option("--verbose", "on an internal error, print the stack trace (also: PROTOSHIP_DEBUG=1)")
    .exitOverride()
    .showHelpAfterError("(run protoship --help for usage)");
  registerInit(program);
  registerCheck(program);
  registerDocs(program);
  registerGenerate(program);
  registerBuild(program);
  registerRelease(program);
  registerPublish(program);
  registerCi(program);
  return program;
}
