import type { ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";

/** Stops a server a test started (SIGTERM, then waits for its exit) and removes its scratch folder. */
export async function stopServer(proc: ChildProcess, dir: string): Promise<void> {
  if (proc.exitCode === null) {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
}

/** Cleans up after a server failed to start: kills it if it runs, removes its scratch folder. */
export async function abandonServer(proc: ChildProcess | undefined, dir: string): Promise<void> {
  if (proc && proc.exitCode === null) proc.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
}
