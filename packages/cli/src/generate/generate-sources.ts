import os from "node:os";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { Progress } from "../process/progress.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { assemble, type StubSources } from "./assemble.js";
import { partition } from "./partition.js";
import { pluginRequest } from "./plugin-request.js";
import { schedule } from "../process/schedule.js";
import { pluginHeapMb, pluginMemoryMb, runTsProto } from "./run-ts-proto.js";

/** Options of {@link generateSources}. */
export interface GenerateSourcesOptions {
  /** The compiled image, in buf's dependency order. */
  files: readonly FileDescriptorProto[];
  /** Every stub unit of the module (imports of their files become package imports). */
  units: readonly ProtoPackageUnit[];
  /** The units to generate. */
  todo: readonly ProtoPackageUnit[];
  /** {@link unitWeights} of at least `todo`. */
  weights: ReadonlyMap<string, number>;
  /** ts-proto options. */
  options: readonly string[];
  /** Plugin processes at once. */
  jobs: number;
  /** How many batches (at most one per unit); default: from the sizes, see {@link batchCount}. */
  batches?: number;
  progress?: Progress;
}

/**
 * A plugin batch holds at most this much encoded descriptors (with imports, source info cut to
 * comments), as far as the units allow: a plugin process reaches about 370 times its request
 * ({@link pluginMemoryMb}), so about 0.5 GB.
 */
const MAX_BATCH_WEIGHT = 2 ** 20;
/** Below this, a batch costs less to generate than its plugin process costs to start (~0.3 s): a small module is one batch. */
const MIN_BATCH_WEIGHT = 512 * 2 ** 10;
/** Batches per job: enough for an even finish, few enough that Node's start-up stays small. */
const BATCHES_PER_JOB = 4;

/**
 * How many batches `count` units of `total` weight become: about {@link BATCHES_PER_JOB} per job, none
 * lighter than {@link MIN_BATCH_WEIGHT} nor (as far as the units allow) heavier than {@link MAX_BATCH_WEIGHT}.
 */
export function batchCount(count: number, total: number, jobs: number): number {
  const wanted = Math.min(jobs * BATCHES_PER_JOB, Math.ceil(total / MIN_BATCH_WEIGHT));
  return Math.max(1, Math.min(count, Math.max(wanted, Math.ceil(total / MAX_BATCH_WEIGHT))));
}

/**
 * The memory (MiB) the running plugin processes may be expected to reach together: 1 GiB a job,
 * at least 2 GiB, at most half the machine's. A batch that does not fit waits for others to end
 * (lighter ones go first meanwhile); one alone always runs.
 */
export function memoryBudgetMb(jobs: number): number {
  return Math.min(Math.max(2048, jobs * 1024), Math.max(2048, Math.floor(os.totalmem() / 2 ** 21)));
}

/** A plugin batch: its units, its request until it is sent, and its expected memory. */
interface Batch {
  units: readonly ProtoPackageUnit[];
  request: Uint8Array | undefined;
  memoryMb: number;
}

/**
 * Generates the sources of `todo` with ts-proto: the units are split into size-balanced,
 * deterministic batches, each batch is one plugin process fed a CodeGeneratorRequest built from
 * the image ({@link pluginRequest}: what ts-proto reads, emitting only the listed files: the same
 * bytes as one `buf generate`). At most `jobs` run at a time, heaviest first, within
 * {@link memoryBudgetMb}. ts-proto's output for a file depends only on the file and its imports,
 * which every batch request carries, so the split does not change a byte. The first failure kills
 * the running plugins, starts no more and is thrown; nothing is returned (or written) unless every
 * batch did.
 */
export async function generateSources(options: GenerateSourcesOptions): Promise<StubSources[]> {
  const { files, units, todo, weights, jobs } = options;
  const weight = (u: ProtoPackageUnit): number => weights.get(u.npmName) ?? 0;
  const total = todo.reduce((sum, u) => sum + weight(u), 0);
  const count = Math.max(1, Math.min(todo.length, options.batches ?? batchCount(todo.length, total, jobs)));
  const owned = new Set(units.flatMap((u) => u.files.map((f) => f.name)));
  const batches = partition(todo, count, weight, (u) => u.npmName)
    .filter((b) => b.length)
    .map((units): Batch => {
      const request = pluginRequest(files, generateList(units, files, owned), [...options.options, ONLY_LISTED_FILES]);
      return { units, request, memoryMb: pluginMemoryMb(request.length) };
    })
    .sort((a, b) => b.memoryMb - a.memoryMb);
  const controller = new AbortController();
  const results: StubSources[][] = [];
  const run = async (index: number): Promise<void> => {
    const batch = batches[index]!;
    const request = batch.request!;
    batch.request = undefined;
    const what =
      batch.units.length === 1 ? batch.units[0]!.protoPackage : `${batch.units[0]!.protoPackage} and ${batch.units.length - 1} more`;
    const tree = await runTsProto(request, { heapMb: pluginHeapMb(batch.memoryMb), what, signal: controller.signal });
    results[index] = assemble(tree, units, batch.units);
    options.progress?.tick(batch.units.length);
  };
  await schedule(
    batches.map((b) => b.memoryMb),
    { jobs, budgetMb: memoryBudgetMb(jobs), abort: controller },
    run,
  );
  const byName = new Map(results.flat().map((s) => [s.unit.npmName, s]));
  return todo.map((u) => byName.get(u.npmName)!);
}

/**
 * ts-proto emits, by default, every file `file_to_generate` imports, transitively: each batch would
 * generate other batches' files again, and google/protobuf/descriptor.proto in every batch that
 * reaches it. With this option it emits exactly `file_to_generate` ({@link generateList}). The
 * option selects files only (ts-proto reads it nowhere else), so no generated byte changes.
 */
const ONLY_LISTED_FILES = "emitImportedFiles=false";

/**
 * `file_to_generate` of a batch: its files and the files they import that belong to no stub unit
 * (copied into the packages that use them; the well-known types among them), transitively, but
 * not through other units' files, whose code is another package's (ts-proto needs them only as
 * types, from `proto_file`).
 */
function generateList(batch: readonly ProtoPackageUnit[], files: readonly FileDescriptorProto[], owned: ReadonlySet<string>): string[] {
  const own = new Set(batch.flatMap((u) => u.files.map((f) => f.name)));
  const byName = new Map(files.map((f) => [f.name, f]));
  const list = new Set(own);
  const visit = (name: string): void => {
    for (const dep of byName.get(name)?.dependency ?? []) {
      if (list.has(dep) || owned.has(dep)) continue;
      list.add(dep);
      visit(dep);
    }
  };
  for (const name of own) visit(name);
  return [...list];
}
