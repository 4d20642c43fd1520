import { create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { breakingFileOf, runBufBreaking } from "../buf/breaking.js";
import { BUF_FINDINGS, bufFailure } from "../buf/buf-failure.js";
import type { SchemaImage } from "../schema/load-image.js";

/** A buf breaking finding, with the module-relative file it is about. */
export interface BreakingFinding {
  file: string;
  line: number | null;
  rule: string;
  message: string;
}

/**
 * `buf breaking` (see {@link runBufBreaking}) between two loaded schemas, findings parsed. The
 * images are re-serialised from the descriptors already loaded (unknown fields, such as buf's
 * is-import marker, survive the round trip), so no extra compile is needed.
 */
export async function breakingFindings(
  head: SchemaImage,
  base: SchemaImage,
  breakingConfig: Record<string, unknown>,
): Promise<BreakingFinding[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "protoship-release-"));
  try {
    const headFile = path.join(tmp, "head.binpb");
    const baseFile = path.join(tmp, "base.binpb");
    await Promise.all([writeFile(headFile, imageBytes(head)), writeFile(baseFile, imageBytes(base))]);
    const result = await runBufBreaking(headFile, baseFile, breakingConfig, tmp);
    if (result.code !== 0 && result.code !== BUF_FINDINGS) {
      throw bufFailure("buf breaking", result);
    }
    const findings: BreakingFinding[] = [];
    for (const line of result.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const f = JSON.parse(line) as { path?: string; start_line?: number; type?: string; message?: string };
      const message = f.message ?? "";
      const file = breakingFileOf(f);
      findings.push({ file, line: f.path && f.start_line ? f.start_line : null, rule: f.type ?? "UNKNOWN", message });
    }
    return findings;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function imageBytes(image: SchemaImage): Uint8Array {
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: image.files }));
}
