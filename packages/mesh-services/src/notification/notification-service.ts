import { status } from "@grpc/grpc-js";
import { type Alert, AlertState, type NotificationServiceServer, type RaiseAlertRequest, Severity } from "@mesh/notification-v1";
import { callerGone, statusError } from "../grpc-util.js";

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/**
 * The alerts, in memory. An open alert is found by its dedup key, so raising the same incident
 * again returns the open alert instead of paging twice; once resolved, the key is free again.
 */
export class AlertStore {
  private readonly alerts: Alert[] = [];
  private readonly openByKey = new Map<string, Alert>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Opens an alert, or returns the open one with the same dedup key. */
  raise(request: RaiseAlertRequest): { alert: Alert; deduplicated: boolean } {
    const open = this.openByKey.get(request.dedupKey);
    if (open) return { alert: structuredClone(open), deduplicated: true };
    const alert: Alert = {
      id: `alert-${this.nextId++}`,
      dedupKey: request.dedupKey,
      severity: request.severity,
      summary: request.summary,
      target: request.target,
      state: AlertState.ALERT_STATE_OPEN,
      raisedAt: this.now(),
      resolvedAt: undefined,
    };
    this.alerts.push(alert);
    this.openByKey.set(alert.dedupKey, alert);
    return { alert: structuredClone(alert), deduplicated: false };
  }

  /** Resolves an alert (again: a no-op); undefined when there is no such alert. */
  resolve(id: string): Alert | undefined {
    const alert = this.alerts.find((a) => a.id === id);
    if (!alert) return undefined;
    if (alert.state === AlertState.ALERT_STATE_OPEN) {
      alert.state = AlertState.ALERT_STATE_RESOLVED;
      alert.resolvedAt = this.now();
      this.openByKey.delete(alert.dedupKey);
    }
    return structuredClone(alert);
  }

  /** Alerts in `state` (all when unspecified), newest first. */
  list(state: AlertState, limit: number): Alert[] {
    return this.alerts
      .filter((a) => state === AlertState.ALERT_STATE_UNSPECIFIED || a.state === state)
      .reverse()
      .slice(0, limit)
      .map((a) => structuredClone(a));
  }
}

/** mesh.notification.v1.NotificationService on top of an {@link AlertStore}. */
export function notificationService(store: AlertStore): NotificationServiceServer {
  return {
    raiseAlert(call, callback) {
      if (callerGone(call)) return callback(statusError(status.DEADLINE_EXCEEDED, "the caller gave up before the alert was raised"));
      const request = call.request;
      if (!request.dedupKey) return callback(statusError(status.INVALID_ARGUMENT, "dedup_key is required"));
      if (!request.summary) return callback(statusError(status.INVALID_ARGUMENT, "summary is required"));
      if (request.severity === Severity.SEVERITY_UNSPECIFIED || !(request.severity in Severity)) {
        return callback(statusError(status.INVALID_ARGUMENT, "severity must be INFO, WARNING or CRITICAL"));
      }
      callback(null, store.raise(request));
    },
    resolveAlert(call, callback) {
      if (callerGone(call)) return callback(statusError(status.DEADLINE_EXCEEDED, "the caller gave up before the alert was resolved"));
      if (!call.request.id) return callback(statusError(status.INVALID_ARGUMENT, "id is required"));
      const alert = store.resolve(call.request.id);
      if (!alert) return callback(statusError(status.NOT_FOUND, `no alert ${call.request.id}`));
      callback(null, { alert });
    },
    listAlerts(call, callback) {
      const { state, pageSize } = call.request;
      if (!(state in AlertState) || state === AlertState.UNRECOGNIZED)
        return callback(statusError(status.INVALID_ARGUMENT, `unknown state ${state}`));
      if (pageSize > MAX_PAGE_SIZE) return callback(statusError(status.INVALID_ARGUMENT, `page_size must be at most ${MAX_PAGE_SIZE}`));
      callback(null, { alerts: store.list(state, pageSize || DEFAULT_PAGE_SIZE) });
    },
  };
}
