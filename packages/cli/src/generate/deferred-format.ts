import { fileURLToPath } from "node:url";
import { InternalError } from "../errors.js";
import { runProcess } from "../process/run-process.js";
import { schedule } from "../process/schedule.js";
import { DEFERRED_FORMAT, type DeferredFormat } from "./deferred-format-entry.js";
import { partition } from "./partition.js";
import { failureCause, type GeneratedTree } from "./run-ts-proto.js";

/** The formatter program (format-worker.ts), always the built file, as run-ts-proto.ts's worker. */
const FORMATTER = fileURLToPath(new URL("../../dist/generate/format-worker.js", import.meta.url));

/**
 * Characters of code one formatter process is given, as far as the files allow (a larger file is a
 * share of its own): dprint-node keeps ~75–95 bytes per character formatted (measured on
 * google/cloud: 1.1 MB of ts-proto's code, 150 MB; 5.2 MB, 436 MB), so a process stays near
 * 110 MB, no more than a ts-proto process (on the 6-API bench slice: peak tree RSS 340 MB, against
 * 380–406 MB with 1 MiB shares), and the ~70 ms each start costs is small beside the ~0.35 s a MiB
 * takes to format.
 */
const FORMAT_SHARE = 640 * 2 ** 10;

/** The memory (MiB) a formatter process is expected to reach on `chars` characters of code (see {@link FORMAT_SHARE}). */
function formatterMemoryMb(chars: number): number {
  return 64 + Math.ceil((chars / 2 ** 20) * 96);
}

interface Pending {
  tree: GeneratedTree;
  name: string;
  text: string;
}

/**
 * Formats, in place, the files of `trees` (plugin outputs) that ts-proto-worker.ts left
 * unformatted, as its {@link DEFERRED_FORMAT} entries list them (the entries are removed): the
 * files are split into shares of about {@link FORMAT_SHARE} characters (size-balanced,
 * deterministic; at least one per job), each formatted by a formatter process of its own
 * (format-worker.ts), at most `jobs` at a time within `budgetMb`. Formatting a file does not
 * depend on the others, so the split does not change a byte. The first failure aborts `abort`.
 */
export async function formatDeferred(
  trees: readonly GeneratedTree[],
  limits: { jobs: number; budgetMb: number; abort: AbortController },
): Promise<void> {
  const groups = new Map<string, { options: Record<string, unknown>; files: Pending[] }>();
  for (const tree of trees) {
    const entry = tree.get(DEFERRED_FORMAT);
    if (entry === undefined) continue;
    tree.delete(DEFERRED_FORMAT);
    const { options, files } = JSON.parse(entry) as DeferredFormat;
    const key = JSON.stringify(options);
    const group = groups.get(key) ?? { options, files: [] };
    groups.set(key, group);
    for (const name of files) {
      const text = tree.get(name);
      if (text === undefined) throw new InternalError(`ts-proto left ${name} to format but did not write it`);
      group.files.push({ tree, name, text });
    }
  }
  const shares = [...groups.values()].flatMap(({ options, files }) => {
    const chars = files.reduce((sum, f) => sum + f.text.length, 0);
    const count = Math.max(Math.min(limits.jobs, files.length), Math.ceil(chars / FORMAT_SHARE));
    return partition(
      files,
      count,
      (f) => f.text.length,
      (f) => f.name,
    )
      .filter((share) => share.length)
      .map((share) => ({ options, files: share, chars: share.reduce((sum, f) => sum + f.text.length, 0) }));
  });
  shares.sort((a, b) => b.chars - a.chars);
  await schedule(
    shares.map((s) => formatterMemoryMb(s.chars)),
    { jobs: limits.jobs, budgetMb: limits.budgetMb, abort: limits.abort },
    async (index) => {
      const { options, files, chars } = shares[index]!;
      const formatted = await runFormatter(options, files, chars, limits.abort.signal);
      files.forEach((f, i) => f.tree.set(f.name, formatted[i]!));
    },
  );
}

/** One formatter process on `files`: their texts formatted, in order. */
async function runFormatter(
  options: Record<string, unknown>,
  files: readonly Pending[],
  chars: number,
  signal: AbortSignal,
): Promise<string[]> {
  const heapMb = Math.max(512, Math.ceil((chars / 2 ** 20) * 32));
  const what = files.length === 1 ? files[0]!.name : `${files[0]!.name} and ${files.length - 1} more`;
  const result = await runProcess(process.execPath, [`--max-old-space-size=${heapMb}`, FORMATTER], {
    cwd: process.cwd(),
    input: Buffer.from(JSON.stringify({ options, texts: files.map((f) => f.text) })),
    what: "the formatter",
    hint: "run the README's install command",
    signal,
  });
  if (result.code !== 0) throw new InternalError(`the formatter failed on ${what}: ${failureCause(result, "the formatter", heapMb, what)}`);
  const formatted = JSON.parse(result.stdout.toString("utf8")) as unknown;
  if (!Array.isArray(formatted) || formatted.length !== files.length || formatted.some((t) => typeof t !== "string")) {
    throw new InternalError(`the formatter gave no text for each of ${what}`);
  }
  return formatted as string[];
}
