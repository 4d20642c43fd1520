import { Metadata, status, type ServiceError } from "@grpc/grpc-js";

/** A gRPC error with a status code, as handlers pass to callbacks or `call.emit("error")`. */
export function statusError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

/** A google.protobuf.Duration from milliseconds. */
export function toDuration(ms: number): { seconds: bigint; nanos: number } {
  const whole = Math.floor(ms / 1000);
  return { seconds: BigInt(whole), nanos: Math.round((ms - whole * 1000) * 1e6) };
}

/** Milliseconds of a google.protobuf.Duration; `fallback` when unset or zero. */
export function durationMs(duration: { seconds: bigint; nanos: number } | undefined, fallback: number): number {
  if (!duration) return fallback;
  const ms = Number(duration.seconds) * 1000 + duration.nanos / 1e6;
  return ms === 0 ? fallback : ms;
}

/** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** An AbortSignal that fires when the gRPC call is cancelled by the client or its deadline passes. */
export function callSignal(call: { on(event: "cancelled", listener: () => void): unknown; cancelled?: boolean }): AbortSignal {
  const controller = new AbortController();
  if (call.cancelled) controller.abort(new Error("call cancelled"));
  call.on("cancelled", () => controller.abort(new Error("call cancelled")));
  return controller.signal;
}

/**
 * True when the caller has given up (cancelled, or its deadline has passed). gRPC still delivers
 * a request whose deadline expired on the way, so handlers that change state check this first.
 */
export function callerGone(call: { cancelled: boolean; getDeadline(): Date | number }): boolean {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return call.cancelled || (Number.isFinite(ms) && ms <= Date.now());
}
