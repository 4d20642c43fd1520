import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";

/**
 * Digest of the raw inputs, read without compiling: every .proto under the module roots and the
 * configuration files (repository-relative paths). Equal means no input changed, so a rerun can
 * stop before running buf at all. Synchronous on purpose: thousands of small reads are several
 * times faster without the thread-pool round trips, and nothing else runs meanwhile. Hidden
 * folders, node_modules and `skip` (the output folder, absolute) are not walked. One digest serves
 * every key made from it ({@link saltedHash}), so a run reads the protos once.
 *
 * @example
 * const inputs = inputDigest(root, workspace, ["buf.yaml", "protoship.yaml"], path.join(root, "stubs"));
 * saltedHash(inputs, "stamp") !== saltedHash(inputs, "image"); // true
 */
export function inputDigest(root: string, workspace: BufWorkspace, configFiles: readonly string[], skip: string): string {
  const files: string[] = [];
  // Paths are built by concatenation: path.join and path.relative per file cost more than the reads.
  const walk = (rel: string): void => {
    for (const entry of readdirSync(rel ? `${root}/${rel}` : root, { withFileTypes: true })) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules" && path.join(root, name) !== skip) walk(name);
      } else if (entry.name.endsWith(".proto")) {
        files.push(name);
      }
    }
  };
  for (const module of workspace.modules) {
    const rel = path.relative(root, path.join(root, module.root)).split(path.sep).join("/");
    try {
      walk(rel);
    } catch {
      // A missing module folder: buf reports it when it compiles.
    }
  }
  const hash = createHash("sha256");
  // One buffer for every read: no allocation (and garbage) per file, no fstat for its size.
  const buffer = Buffer.allocUnsafe(256 * 1024);
  for (const file of [...new Set([...files, ...configFiles])].sort()) {
    hash.update(`\0${file}\0`);
    let fd: number;
    try {
      fd = openSync(`${root}/${file}`, "r");
    } catch {
      continue; // Absent (an optional config file): its name alone is hashed.
    }
    try {
      for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest("hex");
}

/** A key made of an {@link inputDigest} and what else it depends on (`salt`): a hex sha256. */
export function saltedHash(digest: string, salt: string): string {
  return createHash("sha256").update(salt).update("\0").update(digest).digest("hex");
}
