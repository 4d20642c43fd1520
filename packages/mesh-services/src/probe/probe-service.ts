import { status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from "@grpc/grpc-js";
import type { Location, Outcome, Target } from "@mesh/common-v1";
import type { ProbeRequest, ProbeResponse, ProbeServiceServer, WatchProbeRequest, WatchProbeResponse } from "@mesh/probe-v1";
import { callSignal, durationMs, sleep, statusError } from "../grpc-util.js";
import { probeTarget, type ProbeOptions } from "./probe-target.js";

/** Sends one probe; replaceable so the heartbeat can share it. */
export type Prober = (target: Target, options: ProbeOptions) => Promise<Outcome>;

/** mesh.probe.v1.ProbeService: probes targets over the network from this pod. */
export class ProbeService {
  readonly implementation: ProbeServiceServer;
  private watches = 0;

  constructor(private readonly options: { probedFrom?: Location; prober?: Prober } = {}) {
    this.implementation = {
      probe: (call, callback) => void this.probe(call, callback),
      watchProbe: (call) => void this.watchProbe(call),
    };
  }

  /** WatchProbe streams in progress (they end when the client cancels or `count` is reached). */
  get activeWatches(): number {
    return this.watches;
  }

  private async probe(call: ServerUnaryCall<ProbeRequest, ProbeResponse>, callback: sendUnaryData<ProbeResponse>): Promise<void> {
    const signal = callSignal(call);
    try {
      const target = validTarget(call.request.target);
      callback(null, await this.probeOnce(target, durationMs(call.request.timeout, 5000), signal));
    } catch (error) {
      if (!signal.aborted) callback(asStatus(error));
    }
  }

  private async watchProbe(call: ServerWritableStream<WatchProbeRequest, WatchProbeResponse>): Promise<void> {
    const signal = callSignal(call);
    this.watches++;
    try {
      const target = validTarget(call.request.target);
      const interval = durationMs(call.request.interval, 1000);
      const timeout = durationMs(call.request.timeout, 5000);
      const count = call.request.count;
      for (let sequence = 1; count === 0 || sequence <= count; sequence++) {
        if (sequence > 1) await sleep(interval, signal);
        const result = await this.probeOnce(target, timeout, signal);
        call.write({ sequence: BigInt(sequence), result });
      }
      call.end();
    } catch (error) {
      if (!signal.aborted) call.emit("error", asStatus(error));
    } finally {
      this.watches--;
    }
  }

  private async probeOnce(target: Target, timeoutMs: number, signal: AbortSignal): Promise<ProbeResponse> {
    const sentAt = new Date();
    const outcome = await (this.options.prober ?? probeTarget)(target, { timeoutMs, signal });
    return { outcome, sentAt, probedFrom: this.options.probedFrom };
  }
}

/** The target, or INVALID_ARGUMENT saying what is wrong with it. */
export function validTarget(target: Target | undefined): Target {
  if (!target) throw statusError(status.INVALID_ARGUMENT, "target is required");
  if (!target.service) throw statusError(status.INVALID_ARGUMENT, "target.service is required");
  if (target.port < 1 || target.port > 65535) throw statusError(status.INVALID_ARGUMENT, `target.port must be 1-65535, got ${target.port}`);
  if (target.path && !target.path.startsWith("/")) throw statusError(status.INVALID_ARGUMENT, "target.path must start with /");
  return target;
}

function asStatus(error: unknown): Error {
  if (typeof (error as { code?: unknown }).code === "number") return error as Error;
  return statusError(status.INTERNAL, (error as Error).message);
}
