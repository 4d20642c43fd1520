import { fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorResponseSchema } from "@bufbuild/protobuf/wkt";
import { fileURLToPath } from "node:url";
import { EnvironmentError, FindingsError } from "../errors.js";
import { tsProtoPlugin } from "./ts-proto-package.js";
import { outputMessage } from "../process/output-message.js";
import { runProcess, type ProcessResult } from "../process/run-process.js";

/** Generated TypeScript, keyed by path relative to the output root (e.g. `mesh/probe/v1/probe.ts`). */
export type GeneratedTree = Map<string, string>;

/**
 * The memory (MiB) a plugin process is expected to reach on a request of `requestBytes`
 * (plugin-request.ts): measured on google/cloud with protoship's plugin process, about 100 MiB
 * plus 370 times the request (compute/v1beta: a 4 MB request, 1.5 GB; aiplatform/v1beta1: 1.6 MB,
 * 0.8 GB). The scheduler adds these up against its budget.
 */
export function pluginMemoryMb(requestBytes: number): number {
  return 128 + Math.ceil((requestBytes / 2 ** 20) * 384);
}

/** The heap limit (MiB) of a plugin with that estimate: room to spare, so a batch heavier than measured is slower, not failed. */
export function pluginHeapMb(estimateMb: number): number {
  return Math.max(512, Math.ceil(estimateMb * 1.5));
}

/**
 * protoship's plugin process: ts-proto's plugin with the formatter's memory bounded and no state
 * shared between files (ts-proto-worker.ts). Always the built file: from src/ (tests, through tsx)
 * as from dist/, two folders up is the package.
 */
const WORKER = fileURLToPath(new URL("../../dist/generate/ts-proto-worker.js", import.meta.url));

/** Starts `count` ts-proto plugin processes ahead of their requests (see {@link prestartWorkers}); returns what kills the unused ones. */
export function prestartTsProto(count: number): () => void {
  tsProtoPlugin(); // ts-proto missing is an EnvironmentError here, not the worker's crash
  return prestartWorkers(WORKER, "ts-proto", count);
}

/**
 * Runs ts-proto's plugin under this Node (through {@link WORKER}), as buf would, on an encoded
 * CodeGeneratorRequest and returns its files (see {@link runPluginWorker}).
 */
export async function runTsProto(
  request: Uint8Array,
  options: { heapMb: number; what: string; signal?: AbortSignal },
): Promise<GeneratedTree> {
  tsProtoPlugin(); // ts-proto missing is an EnvironmentError here, not the worker's crash
  return runPluginWorker(WORKER, "ts-proto", request, options);
}

/**
 * Runs a plugin program (`worker`, a built file of protoship's) under this Node on an encoded
 * CodeGeneratorRequest given on stdin and returns the files of the CodeGeneratorResponse it writes.
 * An error the plugin reports (CodeGeneratorResponse.error) or a crash is a FindingsError (exit 1)
 * naming the plugin (`label`) and `what`; running out of its heap limit, an EnvironmentError
 * (exit 2). `signal` kills the plugin (the promise then rejects).
 */
export async function runPluginWorker(
  worker: string,
  label: string,
  request: Uint8Array,
  options: { heapMb: number; what: string; signal?: AbortSignal },
): Promise<GeneratedTree> {
  const input = Buffer.from(request.buffer, request.byteOffset, request.byteLength);
  const ready = takeStarted(worker, options.heapMb);
  const result = ready
    ? await ready.finish(input, options.signal)
    : await runProcess(process.execPath, [`--max-old-space-size=${options.heapMb}`, YOUNG_GENERATION, worker], {
        cwd: process.cwd(),
        input,
        what: label,
        hint: "run the README's install command",
        ...(options.signal ? { signal: options.signal } : {}),
      });
  if (result.code !== 0)
    throw new FindingsError(`${label} failed on ${options.what}: ${failureCause(result, label, options.heapMb, options.what)}`);
  const response = fromBinary(CodeGeneratorResponseSchema, result.stdout);
  if (response.error) {
    const first = response.error.split("\n").find((l) => l.trim()) ?? response.error;
    throw new FindingsError(`${label} failed on ${options.what}: ${first.trim()}`);
  }
  return new Map(response.file.map((f) => [f.name, f.content]));
}

/**
 * Why a Node program protoship ran on generated code (a plugin, the formatter) exited non-zero:
 * running out of its `heapMb` heap limit is thrown as an EnvironmentError (exit 2); otherwise the
 * first line of its stderr (ts-proto prints `FAILED!<message><stack>`, Node an uncaught error's
 * message first), for the caller to throw as its kind of error.
 */
export function failureCause(result: ProcessResult, label: string, heapMb: number, what: string): string {
  const stderr = result.stderr.toString("utf8");
  if (/heap out of memory|Allocation failed/i.test(stderr)) {
    throw new EnvironmentError(
      `${label} ran out of memory (${heapMb} MiB heap) on ${what}`,
      "run protoship generate with fewer --jobs, on a machine with more memory",
    );
  }
  return outputMessage(stderr.split("\n").find((l) => l.trim()) ?? "", `exited with ${result.code}`).slice(0, 500);
}

/**
 * The young generation of a plugin process: semi-spaces of 2 MiB (V8's default grows them to
 * 16 MiB). What a plugin keeps is in the old generation; the young one only holds its garbage.
 * Measured with ts-proto on a 1.5 MB request: 95 MB instead of 112 MB, the same CPU time.
 */
const YOUNG_GENERATION = "--max-semi-space-size=2";

/**
 * The heap limit (MiB) of a plugin process started before its request: the most a batch is
 * estimated to need on most modules; a batch that needs more gets a process of its own.
 */
const STARTED_HEAP_MB = 4096;

/** A plugin process started before its request: it runs once `finish` gives it one; `discard` kills it. */
interface StartedWorker {
  finish(input: Buffer, signal?: AbortSignal): Promise<ProcessResult>;
  discard(): void;
}

/** Plugin processes started ahead of their request ({@link prestartWorkers}), by program. */
const started = new Map<string, StartedWorker[]>();

/**
 * Starts `count` processes of the plugin program `worker` now, before any request is ready (its
 * input is a promise runProcess writes when it resolves): each loads its modules (~0.25 s for
 * ts-proto's) while protoship still compiles and plans, then waits for its request on stdin;
 * {@link runPluginWorker} hands a request to one of them when it can. Returns a function that
 * kills those never used (call it once the run is over, whatever happened).
 */
export function prestartWorkers(worker: string, label: string, count: number): () => void {
  const mine = Array.from({ length: count }, (): StartedWorker => {
    let give: (input: Buffer) => void = () => {};
    const input = new Promise<Buffer>((resolve) => {
      give = resolve;
    });
    const controller = new AbortController();
    let result: Promise<ProcessResult> | undefined = runProcess(
      process.execPath,
      [`--max-old-space-size=${STARTED_HEAP_MB}`, YOUNG_GENERATION, worker],
      { cwd: process.cwd(), input, what: label, hint: "run the README's install command", signal: controller.signal },
    );
    result.catch(() => {}); // a discarded one's; a used one's is its caller's
    let used = false;
    return {
      finish(request, signal) {
        used = true;
        if (signal?.aborted) controller.abort();
        else signal?.addEventListener("abort", () => controller.abort(), { once: true });
        give(request);
        // Let go of the request and the output once handed over: this object lives until the run ends.
        const handed = result!; // takeStarted hands each process out once
        give = () => {};
        result = undefined;
        return handed;
      },
      discard() {
        if (!used) controller.abort();
      },
    };
  });
  started.set(worker, [...(started.get(worker) ?? []), ...mine]);
  return () => {
    started.set(
      worker,
      (started.get(worker) ?? []).filter((p) => !mine.includes(p)),
    );
    for (const p of mine) p.discard();
  };
}

/** A process started ahead for `worker` whose heap limit allows `heapMb`, taken out of the pool; undefined when there is none. */
function takeStarted(worker: string, heapMb: number): StartedWorker | undefined {
  if (heapMb > STARTED_HEAP_MB) return undefined;
  return started.get(worker)?.shift();
}
