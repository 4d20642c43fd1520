import { parse } from "yaml";
import { parseFormatDiff } from "../buf/parse-findings.js";
import { runBuf } from "../buf/run-buf.js";
import { BUF_FINDINGS } from "../buf/buf-failure.js";

/**
 * What already fails when protoship is adopted: the lint findings (as buf's own `ignore_only`
 * entries) and the files `buf format` would rewrite. Recorded by init so that the first push of an
 * existing API passes and only new violations fail.
 */
export interface Baseline {
  /** Lint rule → workspace-relative files that fail it, sorted. */
  ignoreOnly: Record<string, string[]>;
  /** Workspace-relative files that are not formatted as `buf format` writes them, sorted. */
  unformatted: string[];
  /** Why a part could not be measured (buf's first line); that part is then empty. */
  problems: string[];
}

/**
 * Measures the API in `root` with the buf configuration `config` (the buf.yaml init is about to
 * write, as text): `buf lint --error-format=config-ignore-yaml` and `buf format -d`. `modules` are
 * the v2 module roots (buf prints module-relative paths there, while a v2 buf.yaml's ignore_only
 * takes paths relative to itself); undefined for a v1 buf.yaml, whose paths are already right.
 */
export async function measureBaseline(
  root: string,
  config: string,
  modules: readonly string[] | undefined,
  protoFiles: readonly string[],
): Promise<Baseline> {
  const [lint, format] = await Promise.all([
    runBuf(["lint", ".", "--config", config, "--error-format", "config-ignore-yaml"], { cwd: root }),
    runBuf(["format", "-d", ".", "--config", config], { cwd: root }),
  ]);
  const problems: string[] = [];
  const ignoreOnly: Record<string, string[]> = {};
  if (lint.code === BUF_FINDINGS) {
    const listed = (parse(lint.stdout) as { lint?: { ignore_only?: Record<string, string[]> } } | null)?.lint?.ignore_only ?? {};
    const known = new Set(protoFiles);
    const toWorkspace = (p: string): string =>
      modules?.map((m) => (m === "." ? p : `${m}/${p}`)).find((candidate) => known.has(candidate)) ?? p;
    for (const [rule, files] of Object.entries(listed)) ignoreOnly[rule] = [...new Set(files.map(toWorkspace))].sort();
  } else if (lint.code !== 0) {
    problems.push(`lint: ${firstLine(lint.stderr) ?? `buf lint exited ${lint.code}`}`);
  }
  let unformatted: string[] = [];
  if (format.code === 0 || format.code === BUF_FINDINGS)
    unformatted = [...new Set(parseFormatDiff(format.stdout).map((d) => d.path))].sort();
  else problems.push(`format: ${firstLine(format.stderr) ?? `buf format exited ${format.code}`}`);
  return { ignoreOnly, unformatted, problems };
}

function firstLine(text: string): string | undefined {
  return text.split("\n").find((l) => l.trim());
}
