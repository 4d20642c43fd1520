import { status, type ServiceError } from "@grpc/grpc-js";
import {
  AlertState,
  NotificationServiceClient,
  Severity,
  type ListAlertsResponse,
  type RaiseAlertRequest,
  type RaiseAlertResponse,
  type ResolveAlertResponse,
} from "@mesh/notification-v1";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startMeshServer, type MeshServer } from "../src/index.js";
import { call, insecure } from "./helpers.js";

describe("NotificationService over real gRPC", { timeout: 30_000 }, () => {
  let server: MeshServer;
  let client: NotificationServiceClient;
  const raise = (request: Partial<RaiseAlertRequest>, options = {}) =>
    call<RaiseAlertRequest, RaiseAlertResponse>(
      client.raiseAlert,
      client,
      { dedupKey: "", severity: Severity.SEVERITY_WARNING, summary: "", target: undefined, ...request },
      options,
    );
  const resolve = (id: string) => call<{ id: string }, ResolveAlertResponse>(client.resolveAlert, client, { id });
  const list = (state = AlertState.ALERT_STATE_UNSPECIFIED, pageSize = 0) =>
    call<{ state: AlertState; pageSize: number }, ListAlertsResponse>(client.listAlerts, client, { state, pageSize });

  before(async () => {
    server = await startMeshServer();
    client = new NotificationServiceClient(server.address, insecure);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test("raising the same incident twice returns the open alert, deduplicated", async () => {
    const target = { service: "payments.prod.svc", port: 8443, path: "/healthz", location: { dataCentre: "eu-west-1", cluster: "prod-a" } };
    const first = await raise({ dedupKey: "payments-down", summary: "payments is down", severity: Severity.SEVERITY_CRITICAL, target });
    assert.equal(first.deduplicated, false);
    assert.equal(first.alert?.state, AlertState.ALERT_STATE_OPEN);
    assert.deepEqual(first.alert?.target, target);
    assert.ok(first.alert?.raisedAt instanceof Date);
    assert.equal(first.alert?.resolvedAt, undefined);
    const second = await raise({ dedupKey: "payments-down", summary: "payments is still down", severity: Severity.SEVERITY_CRITICAL });
    assert.equal(second.deduplicated, true);
    assert.equal(second.alert?.id, first.alert?.id);
    assert.equal(second.alert?.summary, "payments is down");
  });

  test("resolving closes the alert, twice is not an error, and the key opens a new alert afterwards", async () => {
    const { alert } = await raise({ dedupKey: "disk-full", summary: "disk full" });
    const resolved = await resolve(alert!.id);
    assert.equal(resolved.alert?.state, AlertState.ALERT_STATE_RESOLVED);
    assert.ok(resolved.alert?.resolvedAt instanceof Date);
    const again = await resolve(alert!.id);
    assert.deepEqual(again.alert, resolved.alert);
    const reopened = await raise({ dedupKey: "disk-full", summary: "disk full again" });
    assert.equal(reopened.deduplicated, false);
    assert.notEqual(reopened.alert?.id, alert!.id);
  });

  test("ListAlerts: newest first, filtered by state, limited by page size", async () => {
    const all = await list();
    assert.ok(all.alerts.length >= 3);
    const ids = all.alerts.map((a) => Number(a.id.replace("alert-", "")));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const open = await list(AlertState.ALERT_STATE_OPEN);
    assert.ok(open.alerts.length > 0 && open.alerts.every((a) => a.state === AlertState.ALERT_STATE_OPEN));
    const resolved = await list(AlertState.ALERT_STATE_RESOLVED);
    assert.ok(resolved.alerts.length > 0 && resolved.alerts.every((a) => a.state === AlertState.ALERT_STATE_RESOLVED));
    assert.equal((await list(AlertState.ALERT_STATE_UNSPECIFIED, 1)).alerts.length, 1);
  });

  test("error status codes: INVALID_ARGUMENT and NOT_FOUND", async () => {
    const code = (c: status) => (e: ServiceError) => e.code === c;
    await assert.rejects(raise({ summary: "no key" }), code(status.INVALID_ARGUMENT));
    await assert.rejects(raise({ dedupKey: "k" }), code(status.INVALID_ARGUMENT));
    await assert.rejects(raise({ dedupKey: "k", summary: "s", severity: Severity.SEVERITY_UNSPECIFIED }), code(status.INVALID_ARGUMENT));
    await assert.rejects(resolve("alert-999999"), code(status.NOT_FOUND));
    await assert.rejects(resolve(""), code(status.INVALID_ARGUMENT));
    await assert.rejects(list(AlertState.ALERT_STATE_OPEN, 5000), code(status.INVALID_ARGUMENT));
  });

  test("deadlines: a call whose deadline has passed fails with DEADLINE_EXCEEDED and changes nothing", async () => {
    const before = (await list()).alerts.length;
    await assert.rejects(
      raise({ dedupKey: "late", summary: "too late" }, { deadline: Date.now() - 1 }),
      (e: ServiceError) => e.code === status.DEADLINE_EXCEEDED,
    );
    assert.equal((await list()).alerts.length, before);
  });

  test("cancellation: a cancelled call fails with CANCELLED on the client", async () => {
    const error = await new Promise<ServiceError | null>((resolve) => {
      const pending = client.listAlerts({ state: AlertState.ALERT_STATE_UNSPECIFIED, pageSize: 0 }, (e) => resolve(e));
      pending.cancel();
    });
    assert.equal(error?.code, status.CANCELLED);
  });
});
