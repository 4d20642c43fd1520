import { statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { CommandResult } from "../command-result.js";
import { ConfigError } from "../errors.js";

/**
 * The folder a command runs in: the global -C option, else the process's cwd. A -C that names no
 * folder is refused here, so git and buf are never started in a folder that does not exist (which
 * the OS reports like a missing program).
 */
export function commandCwd(command: Command): string {
  const option = rootOf(command).opts<{ cwd?: string }>().cwd;
  const dir = path.resolve(option ?? process.cwd());
  if (option !== undefined) {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (!stat) throw new ConfigError(`-C ${dir}: no such folder`);
    if (!stat.isDirectory()) throw new ConfigError(`-C ${dir}: not a folder`);
  }
  return dir;
}

const results = new WeakMap<Command, CommandResult>();

/** Hands a command's result to main(), which prints its output and exits with its code ({@link resultOf}). */
export function finish(command: Command, result: CommandResult): void {
  results.set(rootOf(command), result);
}

/** The result of the command `program` ran, or undefined when none ran to the end (e.g. --help). */
export function resultOf(program: Command): CommandResult | undefined {
  return results.get(program);
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}
