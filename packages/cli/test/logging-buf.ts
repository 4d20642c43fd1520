import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { bufBinary } from "../src/buf/run-buf.ts";

/**
 * A buf that logs each call's arguments (one line per call), in files it writes to `dir`, before
 * running the real one: what a command compiled, and with which --path. Pass `env` to protoship.
 */
export async function loggingBuf(dir: string): Promise<{ env: NodeJS.ProcessEnv; calls: () => Promise<string[]> }> {
  const log = path.join(dir, "buf-calls.log");
  const script = path.join(dir, "buf-logging.sh");
  await mkdir(dir, { recursive: true });
  await writeFile(log, "");
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${bufBinary()}' "$@"\n`);
  await chmod(script, 0o755);
  return { env: { PROTOSHIP_BUF: script }, calls: async () => (await readFile(log, "utf8")).split("\n").filter(Boolean) };
}
