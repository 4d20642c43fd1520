import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { Progress } from "../process/progress.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { assemble, type StubSources } from "./assemble.js";
import { partition } from "./partition.js";
import { pluginRequest } from "./plugin-request.js";
import { pluginHeapMb, runTsProto } from "./run-ts-proto.js";

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
 * A plugin batch holds at most this much encoded descriptors (with imports), as far as the units
 * allow. ts-proto's memory is a few hundred times its request: on google/cloud a 6 MiB batch reached
 * 2.3 GB and spent minutes collecting garbage near its heap limit. Not yet tuned: with 2 MiB and 2
 * jobs, google/cloud (394 packages) took 409 s with a process-tree peak of 6.3 GB.
 */
const MAX_BATCH_WEIGHT = 2 * 2 ** 20;
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
 * Generates the sources of `todo` with ts-proto: the units are split into size-balanced,
 * deterministic batches, each batch is one plugin process fed a CodeGeneratorRequest built from
 * the image (as `buf generate` builds it, but emitting only the listed files: the same bytes), at most `jobs` at a
 * time. ts-proto's output for a file depends only on the file and its imports, which every batch
 * request carries, so the split does not change a byte. The first failure kills the running
 * plugins, starts no more and is thrown; nothing is returned (or written) unless every batch did.
 */
export async function generateSources(options: GenerateSourcesOptions): Promise<StubSources[]> {
  const { files, units, todo, weights, jobs } = options;
  const weight = (u: ProtoPackageUnit): number => weights.get(u.npmName) ?? 0;
  const total = todo.reduce((sum, u) => sum + weight(u), 0);
  const count = Math.max(1, Math.min(todo.length, options.batches ?? batchCount(todo.length, total, jobs)));
  const batches = partition(todo, count, weight, (u) => u.npmName).filter((b) => b.length);
  const owned = new Set(units.flatMap((u) => u.files.map((f) => f.name)));
  const controller = new AbortController();
  const results: StubSources[][] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < batches.length) {
      const index = next++;
      const batch = batches[index]!;
      try {
        const request = pluginRequest(files, generateList(batch, files, owned), [...options.options, ONLY_LISTED_FILES]);
        const heapMb = pluginHeapMb(request.length, jobs);
        const what = batch.length === 1 ? batch[0]!.protoPackage : `${batch[0]!.protoPackage} and ${batch.length - 1} more`;
        const tree = await runTsProto(request, { heapMb, what, signal: controller.signal });
        results[index] = assemble(tree, units, batch);
        options.progress?.tick(batch.length);
      } catch (error) {
        if (!failure) failure = { error };
        controller.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, batches.length) }, worker));
  if (failure) throw failure.error;
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
