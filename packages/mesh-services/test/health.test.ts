import { status, type ServiceError } from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient, type HealthCheckResponse } from "@mesh/grpc-health-v1";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SERVICE_NAMES, startMeshServer, type MeshServer } from "../src/index.js";
import { call, eventually, insecure, streamError, take } from "./helpers.js";

describe("grpc.health.v1 Health over real gRPC", { timeout: 30_000 }, () => {
  let server: MeshServer;
  let client: HealthClient;
  const check = (service: string, options = {}) =>
    call<{ service: string }, HealthCheckResponse>(client.check, client, { service }, options);

  before(async () => {
    server = await startMeshServer();
    client = new HealthClient(server.address, insecure);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test("Check: the server and each mesh service are SERVING", async () => {
    assert.equal((await check("")).status, ServingStatus.SERVING);
    for (const name of SERVICE_NAMES) assert.equal((await check(name)).status, ServingStatus.SERVING, name);
  });

  test("Check of an unknown service is NOT_FOUND", async () => {
    await assert.rejects(check("mesh.nope.v1.Nope"), (e: ServiceError) => e.code === status.NOT_FOUND);
  });

  test("Watch: SERVICE_UNKNOWN first, then every change, until cancelled", async () => {
    const stream = client.watch({ service: "mesh.billing.v1.BillingService" });
    const ended = streamError(stream);
    const first = take<HealthCheckResponse>(stream, 3);
    await eventually(() => server.health.activeWatches === 1, "the watch to start");
    server.health.set("mesh.billing.v1.BillingService", ServingStatus.SERVING);
    server.health.set("mesh.billing.v1.BillingService", ServingStatus.SERVING); // no change, no message
    server.health.set("mesh.billing.v1.BillingService", ServingStatus.NOT_SERVING);
    assert.deepEqual(
      (await first).map((m) => m.status),
      [ServingStatus.SERVICE_UNKNOWN, ServingStatus.SERVING, ServingStatus.NOT_SERVING],
    );
    stream.cancel();
    assert.equal((await ended).code, status.CANCELLED);
    await eventually(() => server.health.activeWatches === 0, "the server to drop the watcher");
  });

  test("Watch past its deadline ends with DEADLINE_EXCEEDED", async () => {
    const stream = client.watch({ service: "" }, { deadline: Date.now() + 200 });
    assert.equal((await streamError(stream)).code, status.DEADLINE_EXCEEDED);
    await eventually(() => server.health.activeWatches === 0, "the server to drop the watcher");
  });

  test("Check with an expired deadline is DEADLINE_EXCEEDED", async () => {
    await assert.rejects(check("", { deadline: Date.now() - 1 }), (e: ServiceError) => e.code === status.DEADLINE_EXCEEDED);
  });
});
