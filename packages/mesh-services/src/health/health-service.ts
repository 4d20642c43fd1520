import { status, type ServerWritableStream } from "@grpc/grpc-js";
import {
  type HealthCheckRequest,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckResponse,
  type HealthServer,
} from "@mesh/grpc-health-v1";
import { EventEmitter } from "node:events";
import { statusError } from "../grpc-util.js";

/**
 * The standard grpc.health.v1 service: a status per service name ("" is the whole server), Check
 * for a one-off answer and Watch for a stream of changes.
 */
export class HealthRegistry {
  readonly implementation: HealthServer;
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly changes = new EventEmitter();
  private watchers = 0;

  constructor() {
    this.changes.setMaxListeners(0);
    this.implementation = {
      check: (call, callback) => {
        const current = this.statuses.get(call.request.service);
        if (current === undefined)
          return callback(statusError(status.NOT_FOUND, `unknown service ${JSON.stringify(call.request.service)}`));
        callback(null, { status: current });
      },
      watch: (call) => this.watch(call),
    };
  }

  /** Sets a service's status; watchers of it get the new one if it changed. */
  set(service: string, servingStatus: ServingStatus): void {
    if (this.statuses.get(service) === servingStatus) return;
    this.statuses.set(service, servingStatus);
    this.changes.emit("change", service);
  }

  /** Every service becomes NOT_SERVING (a server about to stop). */
  shutdown(): void {
    for (const service of this.statuses.keys()) this.set(service, ServingStatus.NOT_SERVING);
  }

  /** Watch streams in progress. */
  get activeWatches(): number {
    return this.watchers;
  }

  private watch(call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>): void {
    const service = call.request.service;
    let last: ServingStatus | undefined;
    const send = (): void => {
      const current = this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
      if (current === last) return;
      last = current;
      call.write({ status: current });
    };
    const onChange = (changed: string): void => {
      if (changed === service) send();
    };
    this.watchers++;
    this.changes.on("change", onChange);
    call.on("cancelled", () => {
      this.changes.off("change", onChange);
      this.watchers--;
    });
    send();
  }
}
