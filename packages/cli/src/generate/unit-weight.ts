import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { closure } from "../schema/package-graph.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { encodedFile } from "./encoded-file.js";

/**
 * The weight of each unit for balancing plugin batches and CI shards: the encoded size of its
 * files and of every file they import, transitively (what its plugin request carries and ts-proto
 * generates). It depends only on the compiled schema, so every machine computes the same weights.
 */
export function unitWeights(units: readonly ProtoPackageUnit[], files: readonly FileDescriptorProto[]): Map<string, number> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const sizes = new Map<string, number>();
  const sizeOf = (name: string): number => {
    let size = sizes.get(name);
    if (size === undefined) {
      const file = byName.get(name);
      size = file ? encodedFile(file).length : 0;
      sizes.set(name, size);
    }
    return size;
  };
  const weights = new Map<string, number>();
  for (const unit of units) {
    const names = closure(
      unit.files.map((f) => f.name),
      (name) => byName.get(name)?.dependency,
    );
    let weight = 0;
    for (const name of names) weight += sizeOf(name);
    weights.set(unit.npmName, weight);
  }
  return weights;
}
