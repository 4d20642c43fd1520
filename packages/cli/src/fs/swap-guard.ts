import { discardOwnUncommittedSwap } from "@protoship/fs-safe";
import { onInterrupt } from "../process/interrupt.js";

/**
 * Runs `work`, which swaps output folders in `parent` (fs-safe's swapFolders), so that an
 * interrupt before the swap is committed takes its half-written staging folder with the process
 * (a committed swap is left for the next run to finish).
 *
 * @example
 * await guardSwap(outDir, () => swapFolders({ parent: outDir, owner, write }));
 */
export async function guardSwap<T>(parent: string, work: () => Promise<T>): Promise<T> {
  const forget = onInterrupt(() => discardOwnUncommittedSwap(parent));
  try {
    return await work();
  } finally {
    forget();
  }
}
