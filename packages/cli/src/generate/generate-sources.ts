import os from "node:os";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { Progress } from "../process/progress.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { toStubSources, type StubSources } from "./stub-sources.js";
import type { GeneratedTree } from "./run-ts-proto.js";
import type { PluginRun } from "./stub-generator.js";
import { partition } from "./partition.js";
import { pluginRequest } from "./plugin-request.js";
import { Slots } from "../process/schedule.js";
import { pluginHeapMb, pluginMemoryMb } from "./run-ts-proto.js";

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
  /** The plugin, its options and its output's layout. */
  plugin: PluginRun;
  /** Plugin processes at once. */
  jobs: number;
  /** How many batches (at most one per unit); default: from the sizes, see {@link batchCount}. */
  batches?: number;
  progress?: Progress;
}

/**
 * A plugin batch holds at most this much encoded descriptors (with imports, source info cut to
 * comments), as far as the units allow: with ts-proto's formatting done apart (deferred-format.ts),
 * a plugin process on google/cloud's slice of 6 APIs (two batches of ~1.6 MiB) reached 125 MB.
 */
const MAX_BATCH_WEIGHT = 2 * 2 ** 20;
/**
 * Below this, a batch is not split further: ts-proto generates 2 MiB of weight in about a second
 * (its formatting is done apart: deferred-format.ts), a few times what its process costs to start
 * (~0.3 s), so a small module is one batch and a slice of a few APIs one per job.
 */
const MIN_BATCH_WEIGHT = 2 * 2 ** 20;
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
function memoryBudgetMb(jobs: number): number {
  return Math.min(Math.max(2048, jobs * 1024), Math.max(2048, Math.floor(os.totalmem() / 2 ** 21)));
}

/** A plugin batch: its units, its request until it is sent, and its expected memory. */
interface Batch {
  units: readonly ProtoPackageUnit[];
  request: Uint8Array | undefined;
  memoryMb: number;
}

/**
 * Generates the sources of `todo` with the plugin (ts-proto or protoc-gen-es): the units are split into size-balanced,
 * deterministic batches, each batch is one plugin process fed a CodeGeneratorRequest built from
 * the image ({@link pluginRequest}: what the plugin reads, emitting only the listed files: the same
 * bytes as one `buf generate`). The files that belong to no unit but are copied into the packages
 * that import them (well-known types, googleapis' google/api, …) are generated once, with the
 * lightest batch, whatever the number of packages or batches that use them. At most `jobs` plugins
 * run at a time, heaviest first, within {@link memoryBudgetMb}; the plugin's `finish` step
 * (ts-proto's formatting) takes each batch's output as it returns, its processes sharing those
 * slots with the batches still running. Either plugin's output for a file depends
 * only on the file and its imports, which every request carries, so the split does not change a
 * byte. The first failure kills the running plugins, starts no more and is thrown; nothing is
 * returned (or written) unless every batch did.
 */
export async function generateSources(options: GenerateSourcesOptions): Promise<StubSources[]> {
  const { files, units, todo, weights, jobs } = options;
  const weight = (u: ProtoPackageUnit): number => weights.get(u.npmName) ?? 0;
  const total = todo.reduce((sum, u) => sum + weight(u), 0);
  const count = Math.max(1, Math.min(todo.length, options.batches ?? batchCount(todo.length, total, jobs)));
  const owned = new Set(units.flatMap((u) => u.files.map((f) => f.name)));
  const batch = (units: readonly ProtoPackageUnit[], generate: readonly string[]): Batch => {
    const request = pluginRequest(files, generate, options.plugin.options);
    return { units, request, memoryMb: pluginMemoryMb(request.length) };
  };
  const shared = sharedFiles(todo, files, owned).filter((f) => !options.plugin.fromRuntime?.(f));
  const bins = partition(todo, count, weight, (u) => u.npmName).filter((b) => b.length);
  // The shared files go with the lightest batch: one plugin process fewer.
  const binWeight = (b: readonly ProtoPackageUnit[]): number => b.reduce((sum, u) => sum + weight(u), 0);
  const lightest = bins.reduce((best, b, i) => (binWeight(b) < binWeight(bins[best]!) ? i : best), 0);
  const batches = bins.map((b, i) => batch(b, [...ownFiles(b), ...(i === lightest ? shared : [])])).sort((a, b) => b.memoryMb - a.memoryMb);
  const controller = new AbortController();
  const trees: GeneratedTree[] = [];
  const slots = new Slots({ jobs, budgetMb: memoryBudgetMb(jobs), abort: controller });
  // The plugin's last step on a batch's output (ts-proto's formatting) starts as soon as that batch returns.
  const finish = await options.plugin.finish?.(slots, jobs);
  for (const [index, b] of batches.entries()) {
    slots.add(b.memoryMb, async () => {
      const { units, request, memoryMb } = b;
      b.request = undefined;
      const what = units.length === 1 ? units[0]!.protoPackage : `${units[0]!.protoPackage} and ${units.length - 1} more`;
      trees[index] = await options.plugin.run(request!, { heapMb: pluginHeapMb(memoryMb), what, signal: controller.signal });
      options.progress?.tick(units.length);
      finish?.add(trees[index]);
    });
  }
  await slots.idle();
  await finish?.done();
  // Every file was generated once, by one batch: each package takes its files (and the shared ones) from all.
  const tree: GeneratedTree = new Map(trees.flatMap((t) => [...t]));
  const results = batches.flatMap((b) => (b.units.length ? toStubSources(tree, units, b.units, options.plugin.layout) : []));
  const byName = new Map(results.map((s) => [s.unit.npmName, s]));
  return todo.map((u) => byName.get(u.npmName)!);
}

/** The files of `units`: what their batch generates. */
function ownFiles(units: readonly ProtoPackageUnit[]): string[] {
  return units.flatMap((u) => u.files.map((f) => f.name));
}

/**
 * The files `units` import that belong to no stub unit (copied into the packages that use them;
 * the well-known types among them), transitively, but not through units' files, whose code is
 * another package's (the plugin needs them only as types, from `proto_file`).
 */
function sharedFiles(units: readonly ProtoPackageUnit[], files: readonly FileDescriptorProto[], owned: ReadonlySet<string>): string[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const list = new Set<string>();
  const visit = (name: string): void => {
    for (const dep of byName.get(name)?.dependency ?? []) {
      if (list.has(dep) || owned.has(dep)) continue;
      list.add(dep);
      visit(dep);
    }
  };
  for (const name of ownFiles(units)) visit(name);
  return [...list];
}
