import { status, type ServiceError } from "@grpc/grpc-js";
import { Hop, OutcomeStatus } from "@mesh/common-v1";
import { ProbeServiceClient, WatchProbeResponse, type ProbeResponse } from "@mesh/probe-v1";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { LookupFunction } from "node:net";
import { probeTarget, startMeshServer, type MeshServer } from "../src/index.js";
import { toDuration } from "../src/grpc-util.js";
import { call, closedPort, collect, eventually, insecure, startHttpTarget, streamError, take, type HttpTarget } from "./helpers.js";

describe("ProbeService over real gRPC, probing a real HTTP server", { timeout: 30_000 }, () => {
  let target: HttpTarget;
  let server: MeshServer;
  let client: ProbeServiceClient;
  const at = (path: string) => ({ service: "127.0.0.1", port: target.port, path, location: undefined });
  const probe = (request: Parameters<ProbeServiceClient["probe"]>[0], deadlineMs = 10_000) =>
    call<typeof request, ProbeResponse>(client.probe, client, request, { deadline: Date.now() + deadlineMs });

  before(async () => {
    target = await startHttpTarget();
    server = await startMeshServer({ probedFrom: { dataCentre: "eu-west-1", cluster: "test" } });
    client = new ProbeServiceClient(server.address, insecure);
  });
  after(async () => {
    client.close();
    await server.close();
    await target.close();
  });

  test("a healthy target: status, HTTP code, latency and where it was probed from", async () => {
    const response = await probe({ target: at("/healthz"), timeout: undefined });
    assert.equal(response.outcome?.status, OutcomeStatus.OUTCOME_STATUS_HEALTHY);
    assert.equal(response.outcome?.code, 200);
    assert.equal(response.outcome?.failedHop, Hop.HOP_UNSPECIFIED);
    assert.equal(typeof response.outcome?.latency?.seconds, "bigint");
    assert.ok(response.sentAt instanceof Date);
    assert.deepEqual(response.probedFrom, { dataCentre: "eu-west-1", cluster: "test" });
    assert.equal(target.hits.get("/healthz"), 1);
  });

  test("an unhealthy answer names the failed hop, from the proxy's header or the target itself", async () => {
    const down = await probe({ target: at("/down"), timeout: undefined });
    assert.equal(down.outcome?.status, OutcomeStatus.OUTCOME_STATUS_UNHEALTHY);
    assert.equal(down.outcome?.code, 503);
    assert.equal(down.outcome?.failedHop, Hop.HOP_TARGET);
    const gateway = await probe({ target: at("/gateway"), timeout: undefined });
    assert.equal(gateway.outcome?.code, 502);
    assert.equal(gateway.outcome?.failedHop, Hop.HOP_EGRESS_GATEWAY);
  });

  test("nothing listening is UNREACHABLE; an unresolvable name fails at the local side", async () => {
    const refused = await probe({
      target: { service: "127.0.0.1", port: await closedPort(), path: "/", location: undefined },
      timeout: undefined,
    });
    assert.equal(refused.outcome?.status, OutcomeStatus.OUTCOME_STATUS_UNREACHABLE);
    assert.equal(refused.outcome?.code, 0);
    assert.match(refused.outcome?.detail ?? "", /ECONNREFUSED/);
    // Name resolution that fails as DNS would (no DNS traffic leaves the test).
    const lookup: LookupFunction = (hostname, _options, callback) =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", 4);
    const unknown = await probeTarget(
      { service: "payments.prod.svc", port: 80, path: "/", location: undefined },
      { timeoutMs: 5000, lookup },
    );
    assert.equal(unknown.status, OutcomeStatus.OUTCOME_STATUS_UNREACHABLE);
    assert.equal(unknown.failedHop, Hop.HOP_LOCAL_SIDECAR);
  });

  test("a plain TCP probe (no path) connects without HTTP", async () => {
    const response = await probe({ target: at(""), timeout: undefined });
    assert.equal(response.outcome?.status, OutcomeStatus.OUTCOME_STATUS_HEALTHY);
    assert.equal(response.outcome?.code, 0);
  });

  test("no answer within the probe's timeout is TIMEOUT", async () => {
    const response = await probe({ target: at("/slow"), timeout: toDuration(200) });
    assert.equal(response.outcome?.status, OutcomeStatus.OUTCOME_STATUS_TIMEOUT);
  });

  test("a client deadline shorter than the probe's timeout ends the call with DEADLINE_EXCEEDED", async () => {
    await assert.rejects(
      probe({ target: at("/slow"), timeout: toDuration(30_000) }, 300),
      (e: ServiceError) => e.code === status.DEADLINE_EXCEEDED,
    );
  });

  test("invalid targets are INVALID_ARGUMENT", async () => {
    await assert.rejects(
      probe({ target: undefined, timeout: undefined }),
      (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /target is required/.test(e.details),
    );
    await assert.rejects(
      probe({ target: { ...at("/"), port: 70000 }, timeout: undefined }),
      (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /port/.test(e.details),
    );
    await assert.rejects(probe({ target: at("healthz"), timeout: undefined }), (e: ServiceError) => e.code === status.INVALID_ARGUMENT);
  });

  test("WatchProbe streams `count` outcomes with 64-bit sequence numbers, then ends", async () => {
    const items = await collect<WatchProbeResponse>(
      client.watchProbe({ target: at("/healthz"), interval: toDuration(10), count: 3, timeout: undefined }),
    );
    assert.deepEqual(
      items.map((i) => i.sequence),
      [1n, 2n, 3n],
    );
    assert.ok(items.every((i) => i.result?.outcome?.status === OutcomeStatus.OUTCOME_STATUS_HEALTHY));
  });

  test("cancelling WatchProbe stops the probing on the server", async () => {
    const stream = client.watchProbe({ target: at("/healthz"), interval: toDuration(20), count: 0, timeout: undefined });
    const ended = streamError(stream);
    await take(stream, 2);
    stream.cancel();
    assert.equal((await ended).code, status.CANCELLED);
    await eventually(() => server.probe.activeWatches === 0, "the server to stop the watch");
  });

  test("WatchProbe with an invalid target fails the stream with INVALID_ARGUMENT", async () => {
    const error = await streamError(client.watchProbe({ target: undefined, interval: undefined, count: 1, timeout: undefined }));
    assert.equal(error.code, status.INVALID_ARGUMENT);
  });

  test("WatchProbe past its deadline ends with DEADLINE_EXCEEDED", async () => {
    const stream = client.watchProbe(
      { target: at("/healthz"), interval: toDuration(50), count: 0, timeout: undefined },
      { deadline: Date.now() + 300 },
    );
    assert.equal((await streamError(stream)).code, status.DEADLINE_EXCEEDED);
    await eventually(() => server.probe.activeWatches === 0, "the server to stop the watch");
  });

  test("64-bit values survive the wire: sequence 2^64-1", () => {
    const max = 2n ** 64n - 1n;
    assert.equal(WatchProbeResponse.decode(WatchProbeResponse.encode({ sequence: max, result: undefined }).finish()).sequence, max);
  });
});
