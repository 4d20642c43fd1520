import { createHash } from "node:crypto";

/**
 * A key made of an input digest (a Snapshot's digest: equal means no input changed) and what else it
 * depends on (`salt`): a hex sha256. One digest serves every key made from it, so a run reads the
 * protos once.
 */
export function saltedHash(digest: string, salt: string): string {
  return createHash("sha256").update(salt).update("\0").update(digest).digest("hex");
}
