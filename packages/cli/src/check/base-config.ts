import type { BufWorkspace } from "../buf/buf-config.js";
import type { Snapshot } from "../snapshot/snapshot.js";

/**
 * The buf configuration a base side without one is compiled with: HEAD's (its buf.yaml and
 * buf.lock), so both sides have the same module roots and the paths in their images compare. The
 * adoption pull request is the case: HEAD adds a buf.yaml rooted at `proto`, and a base compiled
 * from the repository root would name every file `proto/…` (imports unresolved, every file
 * "deleted"). Empty when the base has its own configuration: then that is what buf reads.
 */
export async function borrowedBufConfig(workspace: BufWorkspace, base: Snapshot, head: Snapshot): Promise<Map<string, Uint8Array>> {
  const borrowed = new Map<string, Uint8Array>();
  if ((await base.readBytes(workspace.configFile)) !== undefined) return borrowed;
  for (const file of workspace.configFiles) {
    const bytes = await head.readBytes(file);
    if (bytes) borrowed.set(file, bytes);
  }
  return borrowed;
}
