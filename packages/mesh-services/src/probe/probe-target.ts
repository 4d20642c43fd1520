import { Hop, type Outcome, OutcomeStatus, type Target } from "@mesh/common-v1";
import http from "node:http";
import net from "node:net";
import { toDuration } from "../grpc-util.js";

/** How long to wait and when to give up early. */
export interface ProbeOptions {
  timeoutMs: number;
  /** Aborts the probe without an outcome (the caller went away). */
  signal?: AbortSignal;
  /** Name resolution (default: the system's, as node:net does it). */
  lookup?: net.LookupFunction;
}

/** Proxies on the path name the hop that failed in this header (the mesh's convention). */
export const FAILED_HOP_HEADER = "x-mesh-failed-hop";

const HOPS: Record<string, Hop> = {
  "local-sidecar": Hop.HOP_LOCAL_SIDECAR,
  "egress-gateway": Hop.HOP_EGRESS_GATEWAY,
  "ingress-gateway": Hop.HOP_INGRESS_GATEWAY,
  "target-sidecar": Hop.HOP_TARGET_SIDECAR,
  target: Hop.HOP_TARGET,
};

class ProbeTimeout extends Error {}

/**
 * Sends one request to the target over the network and reports how it went: an HTTP GET of
 * `target.path` when it has one, else a plain TCP connect. Rejects only when `signal` aborts.
 */
export function probeTarget(target: Target, options: ProbeOptions): Promise<Outcome> {
  const started = process.hrtime.bigint();
  const latency = (): { seconds: bigint; nanos: number } => toDuration(Number(process.hrtime.bigint() - started) / 1e6);
  return new Promise<Outcome>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: Outcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const fail = (error: Error): void => {
      if (error instanceof ProbeTimeout) {
        finish(
          outcome(OutcomeStatus.OUTCOME_STATUS_TIMEOUT, 0, latency(), Hop.HOP_UNSPECIFIED, `no answer within ${options.timeoutMs} ms`),
        );
        return;
      }
      const code = (error as NodeJS.ErrnoException).code ?? "";
      // A name that does not resolve never left the probe's side; a refused or reset connection
      // reached the target's address but nothing answered there.
      const hop = code === "ENOTFOUND" || code === "EAI_AGAIN" ? Hop.HOP_LOCAL_SIDECAR : Hop.HOP_TARGET;
      finish(outcome(OutcomeStatus.OUTCOME_STATUS_UNREACHABLE, 0, latency(), hop, error.message));
    };
    let destroy: (error: Error) => void = () => {};
    const timer = setTimeout(() => destroy(new ProbeTimeout()), options.timeoutMs);
    const onAbort = (): void => {
      destroy(new Error("aborted"));
      finish(options.signal!.reason instanceof Error ? options.signal!.reason : new Error("probe aborted"));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });

    if (!target.path) {
      const socket = net.connect({ host: target.service, port: target.port, ...(options.lookup ? { lookup: options.lookup } : {}) });
      destroy = (error) => socket.destroy(error);
      socket.once("connect", () => {
        socket.end();
        finish(outcome(OutcomeStatus.OUTCOME_STATUS_HEALTHY, 0, latency(), Hop.HOP_UNSPECIFIED, ""));
      });
      socket.once("error", fail);
      return;
    }
    const request = http.get(
      {
        host: target.service,
        port: target.port,
        path: target.path,
        agent: false,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        headers: { "user-agent": "mesh-probe/1" },
      },
      (response) => {
        response.resume();
        response.once("error", fail);
        response.once("end", () => {
          const code = response.statusCode ?? 0;
          if (code >= 200 && code < 400) {
            finish(outcome(OutcomeStatus.OUTCOME_STATUS_HEALTHY, code, latency(), Hop.HOP_UNSPECIFIED, ""));
            return;
          }
          const named = String(response.headers[FAILED_HOP_HEADER] ?? "");
          finish(
            outcome(
              OutcomeStatus.OUTCOME_STATUS_UNHEALTHY,
              code,
              latency(),
              HOPS[named] ?? Hop.HOP_TARGET,
              `HTTP ${code}${named ? ` from ${named}` : ""}`,
            ),
          );
        });
      },
    );
    destroy = (error) => request.destroy(error);
    request.once("error", fail);
  });
}

function outcome(
  status: OutcomeStatus,
  code: number,
  latency: { seconds: bigint; nanos: number },
  failedHop: Hop,
  detail: string,
): Outcome {
  return { status, code, latency, failedHop, detail };
}
