import { create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { breaking, ruleGroups } from "../buf/breaking.js";
import type { SchemaImage } from "../schema/load-image.js";
import type { RevisionImage } from "../snapshot/revision-image.js";
import { makeTempDir } from "../fs/temp-dir.js";

/** A buf breaking finding, with the module-relative file it is about. */
export interface BreakingFinding {
  file: string;
  line: number | null;
  rule: string;
  message: string;
}

/**
 * `buf breaking` (see {@link breaking}) of `head` against `base`, each file under the breaking
 * rules of its module in HEAD's buf.yaml (`at`: HEAD's compiled schema, whose workspace and
 * repository paths name the modules). The images are re-serialised from the descriptors already
 * loaded (unknown fields, such as buf's is-import marker, survive the round trip), so no extra
 * compile is needed.
 */
export async function breakingFindings(head: SchemaImage, base: RevisionImage, at: RevisionImage): Promise<BreakingFinding[]> {
  const own = (image: SchemaImage): string[] => image.files.filter((f) => image.ownFiles.has(f.name)).map((f) => f.name);
  const files = [...own(head).map((f) => at.repoPath(f)), ...own(base.image).map((f) => base.repoPath(f))];
  const scratch = await makeTempDir("protoship-release-");
  const tmp = scratch.dir;
  try {
    const headFile = path.join(tmp, "head.binpb");
    const baseFile = path.join(tmp, "base.binpb");
    await Promise.all([writeFile(headFile, imageBytes(head)), writeFile(baseFile, imageBytes(base.image))]);
    const found = await breaking(headFile, baseFile, ruleGroups(at.workspace, files), tmp);
    return found.map(({ diagnostic: f, file }) => ({
      file,
      line: f.path && f.start_line ? f.start_line : null,
      rule: f.type ?? "UNKNOWN",
      message: f.message ?? "",
    }));
  } finally {
    await scratch.dispose();
  }
}

function imageBytes(image: SchemaImage): Uint8Array {
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: image.files }));
}
