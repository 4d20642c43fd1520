import path from "node:path";
import type { Command } from "commander";

/** The folder a command runs in: the global -C option, else the process's cwd. */
export function commandCwd(command: Command): string {
  let root: Command = command;
  while (root.parent) root = root.parent;
  return path.resolve(root.opts<{ cwd?: string }>().cwd ?? process.cwd());
}

/** Records a command's exit code; main() returns it. */
export function setExitCode(code: number): void {
  process.exitCode = code;
}
