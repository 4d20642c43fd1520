import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { prestartWorkers, runPluginWorker } from "../src/generate/run-ts-proto.js";

/**
 * A plugin program that answers any request with one file naming its own Node flags: which process
 * (started ahead, with its 4 GiB heap, or started for the request) ran it, and that its young
 * generation is bounded.
 */
const WORKER = `
const varint = (n) => { const out = []; while (n > 127) { out.push((n & 127) | 128); n >>>= 7; } out.push(n); return Buffer.from(out); };
const field = (tag, bytes) => Buffer.concat([Buffer.from([tag]), varint(bytes.length), bytes]);
process.stdin.resume();
process.stdin.on("end", () => {
  const file = Buffer.concat([field(10, Buffer.from("flags.txt")), field(122, Buffer.from(process.execArgv.join(" ")))]);
  process.stdout.write(field(122, file));
});
`;

describe("plugin processes started ahead of their requests", () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("a request goes to a process started ahead while one is left, then to a new one; the unused are killed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-prestart-"));
    dirs.push(dir);
    const worker = path.join(dir, "worker.mjs");
    await writeFile(worker, WORKER);
    const stop = prestartWorkers(worker, "the test plugin", 1);
    const flags = async () =>
      (await runPluginWorker(worker, "the test plugin", new Uint8Array(), { heapMb: 600, what: "x" })).get("flags.txt");
    try {
      assert.equal(await flags(), "--max-old-space-size=4096 --max-semi-space-size=2");
      assert.equal(await flags(), "--max-old-space-size=600 --max-semi-space-size=2");
    } finally {
      stop();
    }
    // Never used: killed by its stop (else this test's process would wait for it).
    prestartWorkers(worker, "the test plugin", 2)();
    assert.equal(await flags(), "--max-old-space-size=600 --max-semi-space-size=2");
  });
});
