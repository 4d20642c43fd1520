import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { bufBinary } from "../src/buf/run-buf.ts";

/**
 * A buf that logs each call's arguments (one line per call) and the folder it ran in, in files it
 * writes to `dir`, before running the real one: what a command compiled, with which --path, and
 * where. Pass `env` to protoship.
 */
export async function loggingBuf(
  dir: string,
): Promise<{ env: NodeJS.ProcessEnv; calls: () => Promise<string[]>; folders: () => Promise<string[]> }> {
  const log = path.join(dir, "buf-calls.log");
  const folders = path.join(dir, "buf-folders.log");
  const script = path.join(dir, "buf-logging.sh");
  await mkdir(dir, { recursive: true });
  await writeFile(log, "");
  await writeFile(folders, "");
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\npwd -P >> '${folders}'\nexec '${bufBinary()}' "$@"\n`);
  await chmod(script, 0o755);
  const lines = async (file: string): Promise<string[]> => (await readFile(file, "utf8")).split("\n").filter(Boolean);
  return { env: { PROTOSHIP_BUF: script }, calls: () => lines(log), folders: () => lines(folders) };
}
