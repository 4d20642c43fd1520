import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { discardOwnUncommittedSwap, STAGING } from "@protoship/fs-safe";
import { GitFixture, PROTOSHIP_BIN, suiteTempDirs } from "@protoship/testkit";
import { bufBinary } from "../src/buf/run-buf.ts";

const MONEY =
  'syntax = "proto3";\n\npackage acme.common.v1;\n\n// An amount.\nmessage Money {\n  string currency_code = 1;\n  int64 units = 2;\n}\n';

/**
 * A buf that runs the real one, except `buf breaking`: that one writes its pid to `marker` and
 * waits (as `sleep`, which it becomes) until it is killed.
 */
async function bufThatHangsOnBreaking(dir: string, marker: string): Promise<string> {
  const script = path.join(dir, "buf-hangs.sh");
  await writeFile(
    script,
    `#!/bin/sh\nif [ "$1" = breaking ]; then echo $$ > '${marker}.tmp'; mv '${marker}.tmp' '${marker}'; exec sleep 300; fi\nexec '${bufBinary()}' "$@"\n`,
  );
  await chmod(script, 0o755);
  return script;
}

/**
 * Whether `pid` still runs: a killed child whose parent exited first stays a zombie until init reaps
 * it, which has stopped running (state Z in /proc).
 */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

/**
 * Ctrl-C (SIGINT) or a CI runner's SIGTERM in the middle of a check: protoship removes the
 * temporary folders it made, stops the programs it started, says so in one line and exits
 * 128 + the signal's number.
 */
describe("an interrupted run", () => {
  const { fresh } = suiteTempDirs({ before, after });

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`leaves no temporary folder and no buf behind on ${signal}, and exits ${code}`, async () => {
      const repo = await GitFixture.init(fresh());
      await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
      await repo.write("proto/acme/common/v1/money.proto", MONEY);
      await repo.commitAll("base");
      await repo.git("checkout", "-q", "-b", "change");
      // A changed buf.yaml: both sides are compiled into images in a temporary folder before buf breaking.
      await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - FILE\n");
      await repo.write("proto/acme/common/v1/money.proto", MONEY.replace("int64 units", "int32 units"));
      await repo.commitAll("change");

      const scratch = fresh("tmp");
      await mkdir(scratch);
      const marker = path.join(fresh("marker"));
      const buf = await bufThatHangsOnBreaking(path.dirname(scratch), marker);
      const child = spawn(process.execPath, [PROTOSHIP_BIN, "check", "--skip", "format", "--against", "main"], {
        cwd: repo.dir,
        env: { ...process.env, PROTOSHIP_BUF: buf, TMPDIR: scratch },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const exited = once(child, "exit");

      let bufPid: number | undefined;
      for (let i = 0; i < 600 && bufPid === undefined; i++) {
        bufPid = await readFile(marker, "utf8").then(
          (t) => Number(t.trim()),
          () => undefined,
        );
        if (bufPid === undefined) await sleep(100);
      }
      assert.ok(bufPid, `buf breaking never started: ${stderr}`);
      const during = (await readdir(scratch)).filter((e) => e.startsWith("protoship-"));
      assert.ok(during.length > 0, "the check made no temporary folder to remove: the test proves nothing");
      assert.ok(alive(bufPid));

      child.kill(signal);
      const [exitCode] = await exited;
      assert.equal(exitCode, code, stderr);
      assert.match(stderr, new RegExp(`protoship: interrupted \\(${signal}\\)`));
      assert.deepEqual(
        (await readdir(scratch)).filter((e) => e.startsWith("protoship-")),
        [],
        `left behind (were ${during.join(", ")})`,
      );
      for (let i = 0; i < 50 && alive(bufPid); i++) await sleep(100);
      assert.equal(alive(bufPid), false, "buf breaking is still running");
    });
  }
});

describe("temporary folders", () => {
  it("are made in one place, which registers them for removal on an interrupt (fs/temp-dir.ts)", async () => {
    const src = path.join(import.meta.dirname, "..", "src");
    const makers: string[] = [];
    for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const file = path.join(entry.parentPath, entry.name);
      if (/\bmkdtemp(Sync)?\(/.test(await readFile(file, "utf8"))) makers.push(path.relative(src, file).split(path.sep).join("/"));
    }
    assert.deepEqual(makers, ["fs/temp-dir.ts"]);
  });
});

describe("the interrupt handler", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("removes a temporary folder that file operations still in flight write into when the signal comes", async () => {
    const scratch = fresh("tmp");
    await mkdir(scratch);
    const dist = path.join(import.meta.dirname, "..", "dist");
    const script = path.join(path.dirname(scratch), "busy.mjs");
    // 400 folders queued for libuv's threads, then SIGINT to itself: the handler runs while they are made.
    await writeFile(
      script,
      [
        `import { mkdir } from "node:fs/promises";`,
        `import { handleInterrupts } from ${JSON.stringify(path.join(dist, "process/interrupt.js"))};`,
        `import { makeTempDir } from ${JSON.stringify(path.join(dist, "fs/temp-dir.js"))};`,
        "handleInterrupts();",
        `const { dir } = await makeTempDir("protoship-busy-");`,
        "const made = Array.from({ length: 400 }, (_, i) => mkdir(`${dir}/d${i}/x`, { recursive: true }).catch(() => {}));",
        `process.kill(process.pid, "SIGINT");`,
        "await Promise.all(made);",
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const child = spawn(process.execPath, [script], { env: { ...process.env, TMPDIR: scratch }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const [code] = await once(child, "exit");
    assert.equal(code, 130, stderr);
    assert.deepEqual(await readdir(scratch), []);
  });
});

describe("an interrupted swap of output folders", () => {
  const { fresh } = suiteTempDirs({ before, after });

  /** A staging folder as swapFolders leaves it while it writes: owner.json, a half-written package, maybe the journal. */
  async function staging(pid: number, committed: boolean): Promise<string> {
    const parent = fresh("stubs");
    const dir = path.join(parent, STAGING);
    await mkdir(path.join(dir, "new", "pkg"), { recursive: true });
    await writeFile(path.join(dir, "owner.json"), JSON.stringify({ pid }));
    await writeFile(path.join(dir, "new", "pkg", "index.ts"), "export const half");
    if (committed) await writeFile(path.join(dir, "journal.json"), JSON.stringify({ owner: "x", write: ["pkg"], remove: [], keep: [] }));
    return parent;
  }

  it("is discarded when it is this process's and not committed; a committed one or another process's is left for recovery", async () => {
    const mine = await staging(process.pid, false);
    discardOwnUncommittedSwap(mine);
    assert.deepEqual(await readdir(mine), []);

    const committed = await staging(process.pid, true);
    discardOwnUncommittedSwap(committed);
    assert.deepEqual(await readdir(committed), [STAGING]);

    const theirs = await staging(process.pid + 1, false);
    discardOwnUncommittedSwap(theirs);
    assert.deepEqual(await readdir(theirs), [STAGING]);
  });
});
