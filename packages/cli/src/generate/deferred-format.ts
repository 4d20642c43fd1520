import { fileURLToPath } from "node:url";
import { InternalError } from "../errors.js";
import { runProcess } from "../process/run-process.js";
import type { Slots } from "../process/schedule.js";
import { DEFERRED_FORMAT, type DeferredFormat } from "./deferred-format-entry.js";
import { joinFormatted, statementGroups } from "./format-in-parts.js";
import { partition } from "./partition.js";
import { failureCause, type GeneratedTree } from "./run-ts-proto.js";

/** The formatter program (format-worker.ts), always the built file, as run-ts-proto.ts's worker. */
const FORMATTER = fileURLToPath(new URL("../../dist/generate/format-worker.js", import.meta.url));

/**
 * Characters of code one formatter process is given, as far as the statements allow (a larger one
 * is a share of its own): dprint-node keeps ~75–95 bytes per character formatted (measured on
 * google/cloud: 1.1 MB of ts-proto's code, 150 MB; 5.2 MB, 436 MB), so a process stays under
 * 100 MB (on the 6-API bench slice, one statement at a time: 78–92 MB), no more than a ts-proto
 * process, and the ~70 ms each start costs is small beside the ~0.35 s a MiB takes to format.
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

/** The files left to format with one set of options, and each distinct statement of theirs. */
interface OptionGroup {
  options: Record<string, unknown>;
  files: Pending[];
  /** Each distinct statement's index in `results`. */
  distinct: Map<string, number>;
  /** The formatter's answer for each distinct statement, once its share ran (null: refused, or not yet). */
  results: (string | null)[];
}

/** Formats plugin outputs as they come ({@link deferredFormatter}). */
export interface DeferredFormatter {
  /** Takes a batch's output: its files left to format go to formatter processes now, in the run's slots. */
  add(tree: GeneratedTree): void;
  /** Once the slots are idle (every share added ran): formats each file in place; how many texts the formatter was given. */
  done(): Promise<{ formatted: number }>;
}

/**
 * Formats, in place, the files of plugin outputs (trees) that ts-proto-worker.ts left
 * unformatted, as its {@link DEFERRED_FORMAT} entries list them (the entries are removed), with
 * the bytes ts-poet's formatting gives (format-in-parts.ts's): each file is cut into its
 * top-level statements ({@link statementGroups}, the imports together), and each distinct
 * statement is formatted once, however many files hold it (the helper types every file declares,
 * the messages a v1beta1 API repeats from its v1), then every file is joined back
 * ({@link joinFormatted}); a file one of whose statements the formatter refuses alone is
 * formatted whole, and kept as it is when that is refused too.
 *
 * Each tree is taken as its batch returns ({@link DeferredFormatter.add}): the statements no
 * earlier tree had are split into shares of about {@link FORMAT_SHARE} characters
 * (size-balanced, deterministic; {@link shareCount}), each formatted by a formatter process of its
 * own (format-worker.ts) in `slots`, beside the batches still running. Formatting a statement does
 * not depend on the others, so neither the split nor the order changes a byte.
 */
export function deferredFormatter(slots: Slots, jobs: number): DeferredFormatter {
  const groups = new Map<string, OptionGroup>();
  /** Queues `texts` in shares, each a formatter process that hands `take` each text's answer by index. */
  const queue = (
    options: Record<string, unknown>,
    texts: readonly string[],
    take: (index: number, result: string | null) => void,
  ): void => {
    for (const share of shares(texts, jobs)) {
      slots.add(formatterMemoryMb(share.chars), async () => {
        const formatted = await formatProcess(
          options,
          share.indexes.map((i) => texts[i]!),
          share.chars,
          slots.signal,
        );
        share.indexes.forEach((i, k) => take(i, formatted[k]!));
      });
    }
  };
  return {
    add(tree) {
      const entry = tree.get(DEFERRED_FORMAT);
      if (entry === undefined) return;
      tree.delete(DEFERRED_FORMAT);
      const { options, files } = JSON.parse(entry) as DeferredFormat;
      const key = JSON.stringify(options);
      const group: OptionGroup = groups.get(key) ?? { options, files: [], distinct: new Map(), results: [] };
      groups.set(key, group);
      const fresh: string[] = [];
      for (const name of files) {
        const text = tree.get(name);
        if (text === undefined) throw new InternalError(`ts-proto left ${name} to format but did not write it`);
        const input = text.trim();
        const cut = statementGroups(input, 1);
        const pieces = cut && cut.length > 1 ? cut : [input];
        const indexes = pieces.map((piece) => {
          const statement = piece.trim();
          let index = group.distinct.get(statement);
          if (index === undefined) {
            group.distinct.set(statement, (index = group.results.length));
            group.results.push(null);
            fresh.push(statement);
          }
          return index;
        });
        group.files.push({ tree, name, text, groups: pieces, indexes });
      }
      const first = group.results.length - fresh.length;
      queue(group.options, fresh, (i, result) => {
        group.results[first + i] = result;
      });
    },
    async done() {
      await slots.idle();
      let formatted = 0;
      const refused: { files: Pending[]; wholes: (string | null)[] }[] = [];
      for (const group of groups.values()) {
        const mine: Pending[] = [];
        for (const file of group.files) {
          const parts = file.indexes.map((i) => group.results[i]);
          if (parts.every((p) => p !== null))
            file.tree.set(file.name, parts.length === 1 ? parts[0]! : joinFormatted(file.groups, parts as string[]));
          else if (file.groups.length === 1) file.tree.set(file.name, file.text);
          else mine.push(file);
        }
        formatted += group.distinct.size + mine.length;
        if (!mine.length) continue;
        // A statement the formatter refuses alone: the whole file, as ts-poet formats it (kept as it is when refused too).
        const wholes: (string | null)[] = mine.map(() => null);
        queue(
          group.options,
          mine.map((f) => f.text.trim()),
          (i, result) => {
            wholes[i] = result;
          },
        );
        refused.push({ files: mine, wholes });
      }
      await slots.idle();
      for (const { files, wholes } of refused) files.forEach((f, i) => f.tree.set(f.name, wholes[i] ?? f.text));
      return { formatted };
    },
  };
}

/** `texts` split into size-balanced, deterministic shares ({@link shareCount}), heaviest first: each text's index, and their characters. */
function shares(texts: readonly string[], jobs: number): { indexes: number[]; chars: number }[] {
  const chars = texts.reduce((sum, t) => sum + t.length, 0);
  return partition(
    texts.map((_, i) => i),
    shareCount(chars, texts.length, jobs),
    (i) => texts[i]!.length,
    (i) => String(i).padStart(9, "0"),
  )
    .filter((share) => share.length)
    .map((share) => ({ indexes: share, chars: share.reduce((sum, i) => sum + texts[i]!.length, 0) }))
    .sort((a, b) => b.chars - a.chars);
}

/** One formatter process on `texts`: each formatted, or null where the formatter refuses it, in order. */
async function formatProcess(
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
