import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { closure } from "../schema/package-graph.js";

/**
 * Hash of everything a package's generated code depends on: the compiled descriptors (source info,
 * so comments, included) of its files and every file they import, transitively, plus `salt`
 * (generator version, options, version of the package). Equal hashes mean byte-identical output.
 */
export function unitHash(unit: ProtoPackageUnit, files: ReadonlyMap<string, FileDescriptorProto>, salt: string): string {
  const inputs = closure(
    unit.files.map((f) => f.name),
    (name) => files.get(name)?.dependency,
  );
  const hash = createHash("sha256").update(salt);
  for (const name of [...inputs].sort()) {
    const file = files.get(name);
    hash.update(`\0${name}\0`);
    if (file) hash.update(toBinary(FileDescriptorProtoSchema, file));
  }
  return hash.digest("hex");
}

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
  for (const file of [...new Set([...files, ...configFiles])].sort()) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(readFileSync(path.join(root, file)));
    } catch {
      // Absent (an optional config file): its name alone is hashed.
    }
  }
  return hash.digest("hex");
}
