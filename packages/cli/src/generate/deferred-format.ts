import { fileURLToPath } from "node:url";
import { InternalError } from "../errors.js";
import { runProcess } from "../process/run-process.js";
import { schedule } from "../process/schedule.js";
import { DEFERRED_FORMAT, type DeferredFormat } from "./deferred-format-entry.js";
import { joinFormatted, statementGroups } from "./format-in-parts.js";
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

/**
 * How many shares `chars` characters of code in `count` texts become: about one per
 * {@link FORMAT_SHARE}, rounded to a multiple of `jobs` (the formatters run `jobs` at a time: 7
 * shares on 2 jobs take 4 rounds, the last with a core idle, where 6 slightly larger take 3) unless
 * that makes a share more than a fifth larger; at most one per text.
 */
export function shareCount(chars: number, count: number, jobs: number): number {
  const rounds = Math.max(1, Math.round(chars / (FORMAT_SHARE * jobs)));
  return Math.min(count, chars / (rounds * jobs) > FORMAT_SHARE * 1.2 ? (rounds + 1) * jobs : rounds * jobs);
}

/** The memory (MiB) a formatter process is expected to reach on `chars` characters of code (see {@link FORMAT_SHARE}). */
function formatterMemoryMb(chars: number): number {
  return 64 + Math.ceil((chars / 2 ** 20) * 96);
}

interface Pending {
  tree: GeneratedTree;
  name: string;
  /** The file as ts-proto left it. */
  text: string;
  /** Its statement groups ({@link statementGroups}, trimmed input), or the trimmed text alone when it does not cut. */
  groups: string[];
  /** Each group's index among the distinct texts sent to the formatter. */
  indexes: number[];
}

/**
 * Formats, in place, the files of `trees` (plugin outputs) that ts-proto-worker.ts left
 * unformatted, as its {@link DEFERRED_FORMAT} entries list them (the entries are removed), with
 * the bytes ts-poet's formatting gives (format-in-parts.ts's): each file is cut into its
 * top-level statements ({@link statementGroups}, the imports together), and each distinct
 * statement is formatted once, however many files hold it (the helper types every file declares,
 * the messages a v1beta1 API repeats from its v1), then every file is joined back
 * ({@link joinFormatted}); a file one of whose statements the formatter refuses alone is
 * formatted whole, and kept as it is when that is refused too. The statements are split into
 * shares of about {@link FORMAT_SHARE} characters (size-balanced, deterministic; at least one per
 * job), each formatted by a formatter process of its own (format-worker.ts), at most `jobs` at a
 * time within `budgetMb`. Formatting a statement does not depend on the others, so the split does
 * not change a byte. The first failure aborts `abort`. Returns how many texts the formatter was given.
 */
export async function formatDeferred(
  trees: readonly GeneratedTree[],
  limits: { jobs: number; budgetMb: number; abort: AbortController },
): Promise<{ formatted: number }> {
  const groups = new Map<string, { options: Record<string, unknown>; files: Pending[]; texts: string[] }>();
  for (const tree of trees) {
    const entry = tree.get(DEFERRED_FORMAT);
    if (entry === undefined) continue;
    tree.delete(DEFERRED_FORMAT);
    const { options, files } = JSON.parse(entry) as DeferredFormat;
    const key = JSON.stringify(options);
    const group = groups.get(key) ?? { options, files: [], texts: [] };
    groups.set(key, group);
    for (const name of files) {
      const text = tree.get(name);
      if (text === undefined) throw new InternalError(`ts-proto left ${name} to format but did not write it`);
      const input = text.trim();
      const cut = statementGroups(input, 1);
      group.files.push({ tree, name, text, groups: cut && cut.length > 1 ? cut : [input], indexes: [] });
    }
  }
  let formatted = 0;
  for (const { options, files } of groups.values()) {
    const distinct = new Map<string, number>();
    for (const file of files) {
      file.indexes = file.groups.map((g) => {
        const text = g.trim();
        let index = distinct.get(text);
        if (index === undefined) distinct.set(text, (index = distinct.size));
        return index;
      });
    }
    const results = await formatTexts(options, [...distinct.keys()], limits);
    const refused: Pending[] = [];
    for (const file of files) {
      const parts = file.indexes.map((i) => results[i]);
      if (parts.every((p) => p !== null))
        file.tree.set(file.name, parts.length === 1 ? parts[0]! : joinFormatted(file.groups, parts as string[]));
      else if (file.groups.length === 1) file.tree.set(file.name, file.text);
      else refused.push(file);
    }
    // A statement the formatter refuses alone: the whole file, as ts-poet formats it (kept as it is when refused too).
    const wholes = refused.length
      ? await formatTexts(
          options,
          refused.map((f) => f.text.trim()),
          limits,
        )
      : [];
    refused.forEach((f, i) => f.tree.set(f.name, wholes[i] ?? f.text));
    formatted += distinct.size + refused.length;
  }
  return { formatted };
}

/**
 * `texts` formatted with `options` by formatter processes (see {@link formatDeferred}), in order;
 * null for a text the formatter refuses.
 */
async function formatTexts(
  options: Record<string, unknown>,
  texts: readonly string[],
  limits: { jobs: number; budgetMb: number; abort: AbortController },
): Promise<(string | null)[]> {
  const chars = texts.reduce((sum, t) => sum + t.length, 0);
  const count = shareCount(chars, texts.length, limits.jobs);
  const indexes = texts.map((_, i) => i);
  const shares = partition(
    indexes,
    count,
    (i) => texts[i]!.length,
    (i) => String(i).padStart(9, "0"),
  )
    .filter((share) => share.length)
    .map((share) => ({ indexes: share, chars: share.reduce((sum, i) => sum + texts[i]!.length, 0) }));
  shares.sort((a, b) => b.chars - a.chars);
  const results: (string | null)[] = new Array(texts.length).fill(null);
  await schedule(
    shares.map((s) => formatterMemoryMb(s.chars)),
    { jobs: limits.jobs, budgetMb: limits.budgetMb, abort: limits.abort },
    async (index) => {
      const { indexes, chars } = shares[index]!;
      const formatted = await runFormatter(
        options,
        indexes.map((i) => texts[i]!),
        chars,
        limits.abort.signal,
      );
      indexes.forEach((i, k) => {
        results[i] = formatted[k]!;
      });
    },
  );
  return results;
}

/** One formatter process on `texts`: each formatted, or null where the formatter refuses it, in order. */
async function runFormatter(
  options: Record<string, unknown>,
  texts: readonly string[],
  chars: number,
  signal: AbortSignal,
): Promise<(string | null)[]> {
  const heapMb = Math.max(512, Math.ceil((chars / 2 ** 20) * 32));
  const what = `${texts.length} statements of generated code`;
  const result = await runProcess(process.execPath, [`--max-old-space-size=${heapMb}`, FORMATTER], {
    cwd: process.cwd(),
    input: Buffer.from(JSON.stringify({ options, texts })),
    what: "the formatter",
    hint: "run the README's install command",
    signal,
  });
  if (result.code !== 0) throw new InternalError(`the formatter failed on ${what}: ${failureCause(result, "the formatter", heapMb, what)}`);
  const formatted = JSON.parse(result.stdout.toString("utf8")) as unknown;
  if (!Array.isArray(formatted) || formatted.length !== texts.length || formatted.some((t) => typeof t !== "string" && t !== null)) {
    throw new InternalError(`the formatter gave no text for each of ${what}`);
  }
  return formatted as (string | null)[];
}
