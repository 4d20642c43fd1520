import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { onInterrupt } from "../process/interrupt.js";

/** A temporary folder protoship made, and the one way to remove it. */
export interface TempDir {
  dir: string;
  dispose(): Promise<void>;
}

/**
 * Makes a new folder in the system's temporary folder (`<prefix>XXXXXX`), removed by `dispose` or,
 * if the run is interrupted first, by the interrupt handler (process/interrupt.ts): an interrupted
 * run leaves nothing behind.
 *
 * @example
 * const tmp = await makeTempDir("protoship-images-");
 * try { ... } finally { await tmp.dispose(); }
 */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  // Made and registered in one synchronous step: no interrupt can come between the two.
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const forget = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    dispose: async () => {
      await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}
