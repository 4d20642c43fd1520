import { statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../errors.js";

/**
 * The folder a command runs in: the global -C option, else the process's cwd. A -C that names no
 * folder is refused here, so git and buf are never started in a folder that does not exist (which
 * the OS reports like a missing program).
 */
export function commandCwd(command: Command): string {
  let root: Command = command;
  while (root.parent) root = root.parent;
  const option = root.opts<{ cwd?: string }>().cwd;
  const dir = path.resolve(option ?? process.cwd());
  if (option !== undefined) {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (!stat) throw new ConfigError(`-C ${dir}: no such folder`);
    if (!stat.isDirectory()) throw new ConfigError(`-C ${dir}: not a folder`);
  }
  return dir;
}

/** Records a command's exit code; main() returns it. */
export function setExitCode(code: number): void {
  process.exitCode = code;
}
