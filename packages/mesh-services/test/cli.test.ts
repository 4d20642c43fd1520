import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startMeshServer, type MeshServer } from "../src/index.js";
import { startHttpTarget, type HttpTarget } from "./helpers.js";

const CLI = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "../src/cli.ts")).href;

/** Runs `mesh-call <args>` in a child process (the source through tsx, as the bin runs dist). */
function meshCall(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import { run } from ${JSON.stringify(CLI)}; process.exitCode = await run(process.argv.slice(1));`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script, ...args],
      { env: { ...process.env, CI: "true" } },
      (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

describe("mesh-call, the client command", { timeout: 60_000 }, () => {
  let target: HttpTarget;
  let server: MeshServer;
  before(async () => {
    target = await startHttpTarget();
    server = await startMeshServer();
  });
  after(async () => {
    await server.close();
    await target.close();
  });

  test("probe prints the response as JSON", async () => {
    const result = await meshCall("probe", server.address, `127.0.0.1:${target.port}/healthz`);
    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout) as { outcome: { status: string; code: number } };
    assert.equal(response.outcome.status, "OUTCOME_STATUS_HEALTHY");
    assert.equal(response.outcome.code, 200);
  });

  test("raise, then alerts lists it; resolve closes it", async () => {
    const raised = await meshCall("raise", server.address, "cli-test", "raised from the CLI", "--severity", "critical");
    assert.equal(raised.code, 0, raised.stderr);
    const id = (JSON.parse(raised.stdout) as { alert: { id: string } }).alert.id;
    const open = await meshCall("alerts", server.address, "--state", "open");
    assert.deepEqual(
      (JSON.parse(open.stdout) as { alerts: { id: string }[] }).alerts.map((a) => a.id),
      [id],
    );
    const resolved = await meshCall("resolve", server.address, id);
    assert.equal((JSON.parse(resolved.stdout) as { alert: { state: string } }).alert.state, "ALERT_STATE_RESOLVED");
  });

  test("a gRPC error prints CODE: details and exits 1", async () => {
    const result = await meshCall("health", server.address, "mesh.nope.v1.Nope");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^NOT_FOUND: unknown service/);
  });

  test("a malformed target is a usage error (exit 2)", async () => {
    const result = await meshCall("probe", server.address, "not-a-target");
    assert.equal(result.code, 2);
  });
});
