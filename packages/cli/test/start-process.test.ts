import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startProcess } from "../src/process/run-process.js";

/** A program started before its input (startProcess): what prestarted plugin processes use. */
const ECHO = "process.stdin.on('data', (d) => process.stdout.write(String(d).toUpperCase())); process.stderr.write('ready');";

describe("startProcess", () => {
  it("runs a program given its input later: its output from the start, its exit code", async () => {
    const started = startProcess(process.execPath, ["-e", `${ECHO} process.stdin.on('end', () => process.exit(3));`]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await started.finish(Buffer.from("late input"), { what: "node", hint: "" });
    assert.equal(result.code, 3);
    assert.equal(result.stdout.toString(), "LATE INPUT");
    assert.equal(result.stderr.toString(), "ready");
  });

  it("discard kills one never given its input; abort kills one running and rejects", async () => {
    const waiting = startProcess(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    waiting.discard(); // without it this test's process would wait for the child forever
    const running = startProcess(process.execPath, ["-e", "process.stdin.resume(); setInterval(() => {}, 1000)"]);
    const controller = new AbortController();
    const result = running.finish(Buffer.from("x"), { what: "node", hint: "", signal: controller.signal });
    controller.abort();
    await assert.rejects(result, /node was stopped/);
  });
});
