import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";

/**
 * Hash of the raw inputs, read without compiling: every .proto under the module roots and the
 * configuration files. Equal means nothing changed since the last full generation, so a rerun
 * can stop before running buf at all. Synchronous on purpose: thousands of small reads are
 * several times faster without the thread-pool round trips, and nothing else runs meanwhile.
 * Hidden folders, node_modules and `skip` (the output folder) are not walked.
 */
export function sourceHash(root: string, workspace: BufWorkspace, configFiles: readonly string[], salt: string, skip: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules" && full !== skip) walk(full);
      } else if (entry.name.endsWith(".proto")) {
        files.push(path.relative(root, full).split(path.sep).join("/"));
      }
    }
  };
  for (const module of workspace.modules) {
    try {
      walk(path.join(root, module.root));
    } catch {
      // A missing module folder: buf reports it when it compiles.
    }
  }
  const hash = createHash("sha256").update(salt);
  // One buffer for every read: no allocation (and garbage) per file, no fstat for its size.
  const buffer = Buffer.allocUnsafe(256 * 1024);
  for (const file of [...new Set([...files, ...configFiles])].sort()) {
    hash.update(`\0${file}\0`);
    let fd: number;
    try {
      fd = openSync(path.join(root, file), "r");
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
