import { MARKER, NotOwnedError, SwapBusyError } from "@protoship/fs-safe";
import path from "node:path";
import { ProtoshipError } from "../errors.js";

/**
 * Rethrows @protoship/fs-safe's refusals as one-line ProtoshipErrors (exit 2) naming the folder,
 * with a hint; other errors are rethrown unchanged.
 */
export function explainOutputError(error: unknown, root = process.cwd()): never {
  if (error instanceof NotOwnedError) {
    const folder = path.relative(root, error.folder) || ".";
    throw new ProtoshipError(
      error.reason
        ? `${folder} ${error.reason}; refusing to replace or delete it (protoship never writes through a link)`
        : `${folder} exists and was not written by ${error.owner} (no ${MARKER} marker); refusing to replace or delete it`,
      {
        hint: "choose another output folder, or move that folder away if it is really protoship's output",
        cause: error,
      },
    );
  }
  if (error instanceof SwapBusyError) {
    throw new ProtoshipError(error.message, { hint: "wait for it to finish", cause: error });
  }
  throw error;
}
