import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { createHash } from "node:crypto";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { closure } from "../schema/package-graph.js";
import { encodedFile } from "./encoded-file.js";

/**
 * Hash of everything a package's generated code depends on: the compiled descriptors (source info,
 * so comments, included; not unknown fields, which no plugin sees) of its files and every file
 * they import, transitively, plus `salt` (generator version, options, version of the package).
 * Equal hashes mean byte-identical output.
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
    if (file) hash.update(encodedFile(file));
  }
  return hash.digest("hex");
}
