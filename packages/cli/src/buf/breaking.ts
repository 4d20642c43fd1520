import { runBuf, type BufResult } from "./run-buf.js";

/**
 * Runs `buf breaking` between two image files (`head` against `base`), imports excluded, with the
 * rules of a buf.yaml `breaking` section (buf's default is FILE). Returns buf's result as is: exit
 * 0 (compatible), BUF_FINDINGS with JSON findings on stdout, or a failure the caller reports.
 */
export async function runBufBreaking(
  headImage: string,
  baseImage: string,
  breakingRules: Record<string, unknown>,
  cwd: string,
): Promise<BufResult> {
  const config = JSON.stringify({ version: "v2", breaking: breakingRules });
  return runBuf(["breaking", headImage, "--against", baseImage, "--exclude-imports", "--config", config, "--error-format", "json"], {
    cwd,
  });
}

/**
 * The module-relative file a breaking finding is about: its path, or, for FILE_NO_DELETE (which
 * buf reports without a path), the file named in its message, quoted as Go quotes strings.
 */
export function breakingFileOf(finding: { path?: string | undefined; message?: string | undefined }): string {
  if (finding.path) return finding.path;
  const quoted = /file ("(?:[^"\\]|\\.)*")/.exec(finding.message ?? "")?.[1];
  if (!quoted) return "";
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
