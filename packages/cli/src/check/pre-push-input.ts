import { ProtoshipError } from "../errors.js";
import { ZERO_SHA } from "../git/git.js";

/** One line git gives the pre-push hook: what is pushed where. */
export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

/**
 * Parses the hook's standard input (`<local ref> <local sha> <remote ref> <remote sha>` per line,
 * see githooks(5)). Ref names cannot contain spaces, so splitting on them is exact.
 */
export function parsePrePushInput(text: string): PushedRef[] {
  const refs: PushedRef[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const parts = line.split(" ");
    if (parts.length !== 4 || !parts.every(Boolean) || !/^[0-9a-f]{40,64}$/.test(parts[1]!) || !/^[0-9a-f]{40,64}$/.test(parts[3]!)) {
      throw new ProtoshipError(
        `pre-push input line ${index + 1}: expected "<local ref> <local sha> <remote ref> <remote sha>", got ${JSON.stringify(line)}`,
      );
    }
    refs.push({ localRef: parts[0]!, localSha: parts[1]!, remoteRef: parts[2]!, remoteSha: parts[3]! });
  }
  return refs;
}

/** True for a push that deletes the remote ref: nothing new is published, so nothing to check. */
export function isDeletion(ref: PushedRef): boolean {
  return ZERO_SHA.test(ref.localSha);
}

/** Reads all of standard input (the hook's lines). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new ProtoshipError("--pre-push reads git's pre-push lines from standard input; run it from the pre-push hook");
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
