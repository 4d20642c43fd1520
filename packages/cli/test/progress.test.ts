import assert from "node:assert/strict";
import path from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { REPO_ROOT, run } from "@protoship/testkit";
import { ConfigError } from "../src/errors.ts";
import { eraseProgress, PROGRESS_INTERVAL_ENV, startProgress } from "../src/process/progress.ts";

const ERASE = "\r\u001b[2K";

/** A stream that records what is written to it, a terminal or not. */
function fakeStream(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    ...(columns ? { columns } : {}),
    write(chunk: string | Uint8Array): boolean {
      chunks.push(String(chunk));
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WritableStream & { isTTY?: boolean }, chunks, text: () => chunks.join("") };
}

/** Sets environment variables for one test; restored afterwards. */
function withEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe("startProgress", () => {
  let restoreEnv: () => void;
  beforeEach(() => {
    // The suite itself may run in CI (CI=true) or with the variable set: each test says what it wants.
    restoreEnv = withEnv({ CI: undefined, [PROGRESS_INTERVAL_ENV]: undefined });
    mock.timers.enable({ apis: ["setInterval", "Date"], now: 0 });
  });
  afterEach(() => {
    mock.timers.reset();
    restoreEnv();
  });

  it("on a terminal: one line rewritten in place, with the count and the clock, erased by done()", () => {
    const { stream, chunks, text } = fakeStream(true);
    const progress = startProgress("generate", 394, "packages", { stream });
    assert.equal(text(), "", "nothing is drawn before the first tick or second");
    mock.timers.tick(200);
    progress.tick();
    assert.deepEqual(chunks, [`${ERASE}generate 1/394 packages · 0 s`]);
    for (let i = 0; i < 119; i++) progress.tick();
    assert.equal(chunks.length, 1, "a burst of ticks at one instant redraws at most once");
    mock.timers.tick(45_000);
    assert.equal(chunks.at(-1), `${ERASE}generate 120/394 packages · 45 s`, "the clock redraws it every second");
    progress.tick(1000);
    mock.timers.tick(60_000);
    assert.equal(chunks.at(-1), `${ERASE}generate 394/394 packages · 1 min 45 s`, "the count never passes the total");
    assert.ok(!text().includes("\n"), "a terminal line is never ended: it is rewritten");
    progress.done();
    assert.equal(chunks.at(-1), ERASE, "done() leaves the cursor at the start of an empty line");
    const written = chunks.length;
    mock.timers.tick(60_000);
    progress.tick();
    progress.done();
    assert.equal(chunks.length, written, "nothing after done()");
  });

  it("on a terminal: a line longer than the terminal is cut (a wrapped line could not be erased)", () => {
    const { stream, chunks } = fakeStream(true, 20);
    const progress = startProgress("build stubs", 10, "packages", { stream });
    mock.timers.tick(1_000);
    assert.equal(chunks[0], `${ERASE}build stubs 0/10 p…`);
    progress.done();
  });

  it("eraseProgress() clears a drawn terminal line for other output; the next tick draws it again", () => {
    const { stream, chunks } = fakeStream(true);
    const progress = startProgress("publish", 3, "packages", { stream });
    eraseProgress();
    assert.deepEqual(chunks, [], "nothing drawn, nothing erased");
    mock.timers.tick(1_000);
    eraseProgress();
    assert.deepEqual(chunks, [`${ERASE}publish 0/3 packages · 1 s`, ERASE]);
    mock.timers.tick(500);
    progress.tick();
    assert.equal(chunks.at(-1), `${ERASE}publish 1/3 packages · 1 s`);
    progress.done();
    eraseProgress();
    assert.equal(chunks.length, 4, "a finished progress is not erased again");
  });

  it("off a terminal: a plain line every interval while running, and a last line when it printed any", () => {
    const { stream, chunks } = fakeStream(false);
    const progress = startProgress("docs", 5, "pages", { stream });
    progress.tick(2);
    mock.timers.tick(9_999);
    assert.deepEqual(chunks, [], "no line before the interval, none per tick");
    mock.timers.tick(1);
    assert.deepEqual(chunks, ["docs 2/5 pages · 10 s\n"]);
    progress.tick(3);
    mock.timers.tick(10_000);
    progress.done();
    assert.deepEqual(chunks, ["docs 2/5 pages · 10 s\n", "docs 5/5 pages · 20 s\n", "docs 5/5 pages · 20 s\n"]);
    mock.timers.tick(60_000);
    assert.equal(chunks.length, 3, "the timer is cleared by done()");
  });

  it("off a terminal: a run shorter than the interval prints nothing at all", () => {
    const { stream, text } = fakeStream(false);
    const progress = startProgress("publish", 3, "packages", { stream });
    mock.timers.tick(3_000);
    progress.tick(3);
    progress.done();
    mock.timers.tick(60_000);
    assert.equal(text(), "");
  });

  it("CI=true on a terminal prints plain periodic lines; CI=false keeps the live line", () => {
    process.env.CI = "true";
    const ci = fakeStream(true);
    const inCi = startProgress("generate", 4, "packages", { stream: ci.stream, intervalMs: 2_000 });
    inCi.tick();
    mock.timers.tick(2_000);
    inCi.done();
    assert.deepEqual(ci.chunks, ["generate 1/4 packages · 2 s\n", "generate 1/4 packages · 2 s\n"]);

    process.env.CI = "false";
    const tty = fakeStream(true);
    const local = startProgress("generate", 4, "packages", { stream: tty.stream });
    mock.timers.tick(1_000);
    local.done();
    assert.deepEqual(tty.chunks, [`${ERASE}generate 0/4 packages · 1 s`, ERASE]);
  });

  it(`${PROGRESS_INTERVAL_ENV} sets the interval; a malformed value is a ConfigError naming it`, () => {
    process.env[PROGRESS_INTERVAL_ENV] = "250";
    const { stream, chunks } = fakeStream(false);
    const progress = startProgress("docs", 2, "release pages", { stream });
    mock.timers.tick(500);
    progress.done();
    assert.deepEqual(chunks, ["docs 0/2 release pages · 0 s\n", "docs 0/2 release pages · 0 s\n", "docs 0/2 release pages · 0 s\n"]);

    for (const bad of ["soon", "-5", "0", "1.5"]) {
      process.env[PROGRESS_INTERVAL_ENV] = bad;
      assert.throws(
        () => startProgress("docs", 2, "pages", { stream }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${PROGRESS_INTERVAL_ENV}: expected`),
      );
    }
    assert.equal(chunks.length, 3, "nothing written for a refused value");
  });

  it("a total of 0 reports nothing", () => {
    const { stream, text } = fakeStream(false);
    const progress = startProgress("publish", 0, "packages", { stream, intervalMs: 10 });
    mock.timers.tick(1_000);
    progress.done();
    assert.equal(text(), "");
  });
});

describe("startProgress timer", () => {
  it("never keeps the process alive: a progress left running does not stop Node from exiting", { timeout: 60_000 }, async () => {
    const source = path.join(REPO_ROOT, "packages/cli/src/process/progress.ts");
    const code = [
      `const { startProgress } = await import(${JSON.stringify(source)});`,
      `startProgress("stuck", 10, "things", { stream: process.stderr, intervalMs: 3_600_000 }).tick();`,
      `console.log("started");`,
    ].join("\n");
    const r = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: REPO_ROOT });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "started\n");
    assert.equal(r.stderr, "", "nothing printed before the first interval");
  });
});
