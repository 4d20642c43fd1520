import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { OutcomeStatus } from "@mesh/common-v1";
import type { HeartbeatConfig, HeartbeatStatus } from "@mesh/heartbeat-v1";
import {
  type NotificationServiceClient,
  type RaiseAlertRequest,
  type RaiseAlertResponse,
  type ResolveAlertResponse,
  Severity,
} from "@mesh/notification-v1";
import { durationMs, statusError } from "../grpc-util.js";
import type { Prober } from "../probe/probe-service.js";
import { validTarget } from "../probe/probe-service.js";

const DEFAULT_THRESHOLD = 3;
const DEFAULT_TIMEOUT_MS = 2000;
const NOTIFY_DEADLINE_MS = 5000;

/**
 * Runs heartbeat checks against the load balancer in front of the control plane, counts failures
 * in a row, and raises one alert through the notification service (a gRPC client, so it can run
 * anywhere) when the count reaches the threshold; the next success resolves it.
 */
export class HeartbeatChecker {
  private current: HeartbeatStatus | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { prober: Prober; notifications: NotificationServiceClient; now?: () => Date }) {}

  /** The state after the last check; undefined before the first. */
  get status(): HeartbeatStatus | undefined {
    return this.current && structuredClone(this.current);
  }

  /**
   * Runs one check and returns the new state. Checks run one at a time, so concurrent callers
   * (Beat and WatchStatus streams) never miscount. Rejects with a gRPC status error when the
   * config is invalid or the notification service cannot be reached (the failure still counts).
   */
  beat(config: HeartbeatConfig | undefined, signal?: AbortSignal): Promise<HeartbeatStatus> {
    const run = this.queue.then(() => this.check(config, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async check(config: HeartbeatConfig | undefined, signal: AbortSignal | undefined): Promise<HeartbeatStatus> {
    const target = validTarget(config?.loadBalancer);
    const threshold = config?.failureThreshold || DEFAULT_THRESHOLD;
    const timeoutMs = durationMs(config?.timeout, DEFAULT_TIMEOUT_MS);
    const outcome = await this.options.prober(target, { timeoutMs, ...(signal ? { signal } : {}) });
    const previous = this.current;
    const healthy = outcome.status === OutcomeStatus.OUTCOME_STATUS_HEALTHY;
    const next: HeartbeatStatus = {
      healthy,
      consecutiveFailures: healthy ? 0 : (previous?.consecutiveFailures ?? 0) + 1,
      lastOutcome: outcome,
      lastCheckedAt: (this.options.now ?? (() => new Date()))(),
      alertId: previous?.alertId ?? "",
    };
    this.current = next;
    if (healthy && next.alertId) {
      await this.resolve(next.alertId);
      next.alertId = "";
    } else if (!healthy && next.consecutiveFailures >= threshold && !next.alertId) {
      const response = await this.raise({
        dedupKey: `heartbeat/${target.service}:${target.port}`,
        severity: Severity.SEVERITY_CRITICAL,
        summary: `control plane unreachable behind ${target.service}:${target.port}: ${next.consecutiveFailures} failed heartbeats in a row`,
        target,
      });
      next.alertId = response.alert?.id ?? "";
    }
    return structuredClone(next);
  }

  private raise(request: RaiseAlertRequest): Promise<RaiseAlertResponse> {
    return new Promise((resolve, reject) => {
      this.options.notifications.raiseAlert(request, new Metadata(), { deadline: Date.now() + NOTIFY_DEADLINE_MS }, (error, response) => {
        if (error) reject(unavailable("raise", error));
        else resolve(response);
      });
    });
  }

  private resolve(id: string): Promise<ResolveAlertResponse> {
    return new Promise((resolve, reject) => {
      this.options.notifications.resolveAlert({ id }, new Metadata(), { deadline: Date.now() + NOTIFY_DEADLINE_MS }, (error, response) => {
        if (error) reject(unavailable("resolve", error));
        else resolve(response);
      });
    });
  }
}

function unavailable(what: string, error: ServiceError): Error {
  return statusError(status.UNAVAILABLE, `cannot ${what} the alert through the notification service: ${error.details || error.message}`);
}
