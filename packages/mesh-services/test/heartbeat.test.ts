import { status, type ServiceError } from "@grpc/grpc-js";
import { OutcomeStatus } from "@mesh/common-v1";
import {
  HeartbeatServiceClient,
  type BeatResponse,
  type GetStatusResponse,
  type HeartbeatConfig,
  type WatchStatusResponse,
} from "@mesh/heartbeat-v1";
import { AlertState, NotificationServiceClient, type ListAlertsRequest, type ListAlertsResponse } from "@mesh/notification-v1";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { toDuration } from "../src/grpc-util.js";
import { startMeshServer, type MeshServer } from "../src/index.js";
import { call, closedPort, insecure, startHttpTarget, streamError, take, type HttpTarget } from "./helpers.js";

describe("HeartbeatService over real gRPC, alerting through a separate notification server", { timeout: 30_000 }, () => {
  let target: HttpTarget;
  let notifications: MeshServer;
  let heartbeat: MeshServer;
  let client: HeartbeatServiceClient;
  let alerts: NotificationServiceClient;
  const config = (path: string, failureThreshold = 2, timeoutMs = 2000): HeartbeatConfig => ({
    loadBalancer: { service: "127.0.0.1", port: target.port, path, location: undefined },
    failureThreshold,
    timeout: toDuration(timeoutMs),
  });
  const beat = (c: HeartbeatConfig | undefined, on = client, deadlineMs = 10_000) =>
    call<{ config: HeartbeatConfig | undefined }, BeatResponse>(on.beat, on, { config: c }, { deadline: Date.now() + deadlineMs });
  const getStatus = (on = client) => call<object, GetStatusResponse>(on.getStatus, on, {});
  const openAlerts = async () =>
    (await call<ListAlertsRequest, ListAlertsResponse>(alerts.listAlerts, alerts, { state: AlertState.ALERT_STATE_OPEN, pageSize: 0 }))
      .alerts;

  before(async () => {
    target = await startHttpTarget();
    notifications = await startMeshServer();
    heartbeat = await startMeshServer({ notificationsAddress: notifications.address });
    client = new HeartbeatServiceClient(heartbeat.address, insecure);
    alerts = new NotificationServiceClient(notifications.address, insecure);
  });
  after(async () => {
    client.close();
    alerts.close();
    await heartbeat.close();
    await notifications.close();
    await target.close();
  });

  test("GetStatus before any check has no status", async () => {
    assert.equal((await getStatus()).status, undefined);
  });

  test("failures are counted; reaching the threshold raises one alert; recovery resolves it", async () => {
    const first = (await beat(config("/down"))).status!;
    assert.equal(first.healthy, false);
    assert.equal(first.consecutiveFailures, 1);
    assert.equal(first.lastOutcome?.status, OutcomeStatus.OUTCOME_STATUS_UNHEALTHY);
    assert.equal(first.alertId, "");
    assert.deepEqual(await openAlerts(), []);

    const second = (await beat(config("/down"))).status!;
    assert.equal(second.consecutiveFailures, 2);
    assert.notEqual(second.alertId, "");
    const [alert, ...others] = await openAlerts();
    assert.equal(others.length, 0);
    assert.equal(alert?.id, second.alertId);
    assert.equal(alert?.dedupKey, `heartbeat/127.0.0.1:${target.port}`);

    const third = (await beat(config("/down"))).status!;
    assert.equal(third.consecutiveFailures, 3);
    assert.equal(third.alertId, second.alertId);
    assert.equal((await openAlerts()).length, 1);

    const recovered = (await beat(config("/healthz"))).status!;
    assert.equal(recovered.healthy, true);
    assert.equal(recovered.consecutiveFailures, 0);
    assert.equal(recovered.alertId, "");
    assert.deepEqual(await openAlerts(), []);
    assert.deepEqual((await getStatus()).status, recovered);
  });

  test("WatchStatus streams the state after every check until cancelled", async () => {
    const stream = client.watchStatus({ config: config("/down", 100), interval: toDuration(10) });
    const ended = streamError(stream);
    const items = await take<WatchStatusResponse>(stream, 3);
    const counts = items.map((i) => i.status!.consecutiveFailures);
    assert.deepEqual(counts, [counts[0]!, counts[0]! + 1, counts[0]! + 2]);
    stream.cancel();
    assert.equal((await ended).code, status.CANCELLED);
  });

  test("WatchStatus past its deadline ends with DEADLINE_EXCEEDED", async () => {
    const stream = client.watchStatus({ config: config("/healthz"), interval: toDuration(20) }, { deadline: Date.now() + 300 });
    assert.equal((await streamError(stream)).code, status.DEADLINE_EXCEEDED);
  });

  test("a check slower than the client's deadline is DEADLINE_EXCEEDED", async () => {
    await assert.rejects(beat(config("/slow", 2, 30_000), client, 300), (e: ServiceError) => e.code === status.DEADLINE_EXCEEDED);
  });

  test("a config without a load balancer is INVALID_ARGUMENT, in Beat and in WatchStatus", async () => {
    await assert.rejects(beat(undefined), (e: ServiceError) => e.code === status.INVALID_ARGUMENT);
    const error = await streamError(client.watchStatus({ config: undefined, interval: undefined }));
    assert.equal(error.code, status.INVALID_ARGUMENT);
  });

  test("when the notification service is down, Beat is UNAVAILABLE but the failure still counts", async () => {
    const orphan = await startMeshServer({ notificationsAddress: `127.0.0.1:${await closedPort()}` });
    const orphanClient = new HeartbeatServiceClient(orphan.address, insecure);
    try {
      await assert.rejects(
        beat(config("/down", 1), orphanClient),
        (e: ServiceError) => e.code === status.UNAVAILABLE && /notification service/.test(e.details),
      );
      assert.equal((await getStatus(orphanClient)).status?.consecutiveFailures, 1);
    } finally {
      orphanClient.close();
      await orphan.close();
    }
  });
});
