import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";

/**
 * Hash of everything a package's generated code depends on: the compiled descriptors (source info,
 * so comments, included) of its files and every file they import, transitively, plus `salt`
 * (generator version, options, version of the package). Equal hashes mean byte-identical output.
 */
export function unitHash(unit: ProtoPackageUnit, files: ReadonlyMap<string, FileDescriptorProto>, salt: string): string {
  const closure = new Set<string>();
  const visit = (name: string): void => {
    if (closure.has(name)) return;
    closure.add(name);
    for (const dep of files.get(name)?.dependency ?? []) visit(dep);
  };
  for (const file of unit.files) visit(file.name);
  const hash = createHash("sha256").update(salt);
  for (const name of [...closure].sort()) {
    const file = files.get(name);
    hash.update(`\0${name}\0`);
    if (file) hash.update(toBinary(FileDescriptorProtoSchema, file));
  }
  return hash.digest("hex");
}

/**
 * Hash of the raw inputs, read without compiling: every .proto under the module roots and the
 * configuration files. Equal means nothing changed since the last full generation, so a rerun
 * can stop before running buf at all.
 */
export async function sourceHash(root: string, workspace: BufWorkspace, configFiles: readonly string[], salt: string): Promise<string> {
  const hash = createHash("sha256").update(salt);
  const files: string[] = [];
  for (const module of workspace.modules) {
    const dir = path.join(root, module.root);
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(".proto")) files.push(path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
    }
  }
  for (const file of [...new Set([...files, ...configFiles])].sort()) {
    const text = await readFile(path.join(root, file)).catch(() => undefined);
    hash.update(`\0${file}\0`);
    if (text) hash.update(text);
  }
  return hash.digest("hex");
}
