import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { recoverSwap, STAGING } from "@protoship/fs-safe";
import { GitFixture, PROTOSHIP_BIN, pathExists as exists, protoship, readTree, suiteTempDirs } from "@protoship/testkit";

/**
 * Kill loops: protoship generate / docs are SIGKILLed (with their buf and plugin children) at
 * random moments: after a random delay, or right after the k-th change the test sees in the
 * folder being written (which is how a kill lands inside the swap without a test-only hook).
 * After each kill, recovery leaves the complete old or the complete new output (checked on a copy of
 * what the kill left, so the real tree stays as the kill left it), every package's node_modules is
 * still there, and the next run itself recovers the real tree and completes with no leftovers.
 * At least KILLS kills; the loop goes on (up to 3 × KILLS) until at least one landed inside the swap.
 */

const KILLS = Number(process.env.KILLS ?? 20);
const PACKAGES = ["common", "order", "customer"];

const BUF_YAML = "version: v2\nmodules:\n  - path: proto\n";

/** Three proto packages (order imports common); `revision` changes a comment in each. */
function protos(revision: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of PACKAGES) {
    const type = name.charAt(0).toUpperCase() + name.slice(1);
    const importCommon = name === "order" ? 'import "shop/common/v1/common.proto";\n\n' : "";
    const field = name === "order" ? "  shop.common.v1.Common common = 2;\n" : "";
    files[`proto/shop/${name}/v1/${name}.proto`] =
      `syntax = "proto3";\n\npackage shop.${name}.v1;\n\n${importCommon}// ${type}, revision ${revision}.\nmessage ${type} {\n  string id = 1;\n${field}}\n`;
  }
  return files;
}

async function writeAll(repo: GitFixture, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) await repo.write(file, text);
}

/**
 * Files under `dir` → content, without the stamp and its temporary file (a cache, rewritten after the swap; the next
 * run's listing below checks no temporary is left), node_modules (checked apart) and a swap in progress.
 */
function snapshot(dir: string): Promise<Map<string, string>> {
  return readTree(
    dir,
    (f) =>
      f !== ".protoship-stamp.json" &&
      f !== ".protoship-stamp.json.tmp" &&
      !f.split(path.sep).some((part) => part === "node_modules" || part === STAGING),
  );
}

type Landing = "before the swap" | "while staging" | "inside the swap" | "after the swap";

/**
 * Runs protoship in its own process group and SIGKILLs the group at a random moment: after a
 * random delay up to `maxDelayMs`, or right after the k-th change (k ≤ `maxEvents`) seen in `watched`.
 */
async function killAtRandom(cwd: string, args: string[], watched: string, maxDelayMs: number, maxEvents: number): Promise<void> {
  const child = spawn(process.execPath, [PROTOSHIP_BIN, ...args], { cwd, detached: true, stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const kill = (): void => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  let watcher: ReturnType<typeof watch> | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (Math.random() < 0.5) {
    timer = setTimeout(kill, Math.random() * maxDelayMs);
  } else {
    const k = 1 + Math.floor(Math.random() * maxEvents);
    let seen = 0;
    watcher = watch(watched, () => {
      if (++seen === k) kill();
    });
  }
  await exited;
  if (timer) clearTimeout(timer);
  watcher?.close();
  // Whatever the children of the killed group still hold is gone with the group.
  kill();
}

/** Where a kill landed, judged from what it left in `parent`. */
async function landing(parent: string, before: Map<string, string>, target: string): Promise<Landing> {
  const staging = path.join(parent, STAGING);
  if (await exists(path.join(staging, "journal.json"))) return "inside the swap";
  if (await exists(staging)) return "while staging";
  return (await exists(target)) && sameMap(await snapshot(target), before) ? "before the swap" : "after the swap";
}

/**
 * Copies the `entries` of `parent` that exist (the output and the swap's staging folder) into `scratch`
 * and recovers the swap there, as the next run would: the real tree is left for that next run.
 */
async function recoveredCopy(parent: string, entries: readonly string[], scratch: string): Promise<string> {
  await mkdir(scratch, { recursive: true });
  for (const entry of entries) {
    if (await exists(path.join(parent, entry))) await cp(path.join(parent, entry), path.join(scratch, entry), { recursive: true });
  }
  await recoverSwap(scratch);
  return scratch;
}

/** Kills go on past `KILLS` (up to 3 × KILLS) until at least one landed inside the swap. */
function moreKills(done: number, landings: Map<Landing, number>): boolean {
  return done < KILLS || (!landings.get("inside the swap") && done < 3 * KILLS);
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** Which snapshot `actual` is: 0 (old), 1 (new); fails when it is neither. */
function oldOrNew(actual: Map<string, string>, old: Map<string, string>, next: Map<string, string>, what: string): number {
  if (sameMap(actual, old)) return 0;
  if (sameMap(actual, next)) return 1;
  const differs = [...new Set([...actual.keys(), ...old.keys(), ...next.keys()])].filter(
    (k) => actual.get(k) !== next.get(k) && actual.get(k) !== old.get(k),
  );
  assert.fail(`${what} is neither the complete old nor the complete new output; differs in ${differs.slice(0, 5).join(", ")}`);
}

describe("crash safety (SIGKILL loops)", { timeout: 900_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it(`generate: ${KILLS} kills; each leaves the old or new packages (node_modules kept), the next run no leftovers`, async (t) => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", BUF_YAML);
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@acme"\n'); // shop.x.v1 → @acme/shop-x-v1 in shop-x-v1/
    await writeAll(repo, protos("A"));
    await repo.commitAll("initial");
    const outDir = path.join(repo.dir, "packages/stubs");
    const snapshots: Map<string, string>[] = [];
    let fullRunMs = 0;
    for (const revision of ["A", "B"]) {
      await writeAll(repo, protos(revision));
      const started = Date.now();
      const r = await protoship(repo.dir, ["generate"]);
      fullRunMs = Math.max(fullRunMs, Date.now() - started);
      assert.equal(r.code, 0, r.stderr);
      snapshots.push(await snapshot(outDir));
    }
    const folders = PACKAGES.map((p) => `shop-${p}-v1`);
    // An installed dependency in each package: the developer's, never the generator's.
    for (const folder of folders) {
      await mkdir(path.join(outDir, folder, "node_modules/dep"), { recursive: true });
      await writeFile(path.join(outDir, folder, "node_modules/dep/index.js"), `module.exports = "${folder}";\n`);
    }
    const landings = new Map<Landing, number>();
    let current = 1; // revision B is on disk
    let kills = 0;
    for (let i = 0; moreKills(i, landings); i++) {
      const next = 1 - current;
      await writeAll(repo, protos(next ? "B" : "A"));
      await killAtRandom(repo.dir, ["generate"], outDir, fullRunMs * 1.2, 8);
      kills++;
      const where = await landing(outDir, snapshots[current]!, outDir);
      landings.set(where, (landings.get(where) ?? 0) + 1);
      // Before the journal is committed nothing has changed yet; after the swap everything has.
      if (where !== "inside the swap")
        oldOrNew(await snapshot(outDir), snapshots[current]!, snapshots[next]!, `packages/stubs right after kill ${i + 1} (${where})`);
      const recovered = await recoveredCopy(outDir, await readdir(outDir), fresh());
      oldOrNew(
        await snapshot(recovered),
        snapshots[current]!,
        snapshots[next]!,
        `packages/stubs after kill ${i + 1} (${where}), recovered`,
      );
      const nodeModulesKept = async (dir: string, when: string): Promise<void> => {
        for (const folder of folders) {
          assert.equal(
            await readFile(path.join(dir, folder, "node_modules/dep/index.js"), "utf8"),
            `module.exports = "${folder}";\n`,
            `${folder}/node_modules ${when} kill ${i + 1} (${where})`,
          );
        }
      };
      await nodeModulesKept(recovered, "recovered after");
      // The next run finds the tree exactly as the kill left it and recovers it itself.
      const r = await protoship(repo.dir, ["generate"]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(sameMap(await snapshot(outDir), snapshots[next]!), `the run after kill ${i + 1} writes the new packages`);
      await nodeModulesKept(outDir, "after the run that followed");
      assert.deepEqual(
        (await readdir(outDir)).sort(),
        [".protoship-stamp.json", ...folders].sort(),
        `no leftovers in packages/stubs after kill ${i + 1}`,
      );
      assert.deepEqual(await readdir(path.join(repo.dir, "packages")), ["stubs"], "no leftovers beside packages/stubs");
      current = next;
    }
    t.diagnostic(`${kills} kills landed: ${JSON.stringify(Object.fromEntries(landings))}`);
    assert.ok(kills >= KILLS);
    assert.ok((landings.get("inside the swap") ?? 0) > 0, `a kill landed inside the swap: ${JSON.stringify(Object.fromEntries(landings))}`);
  });

  it(`docs: ${KILLS} kills; each leaves the old or new site, the next run no leftovers`, async (t) => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", BUF_YAML);
    await writeAll(repo, protos("A"));
    await repo.commitAll("initial");
    const site = path.join(repo.dir, "site");
    const snapshots: Map<string, string>[] = [];
    let fullRunMs = 0;
    for (const revision of ["A", "B"]) {
      await writeAll(repo, protos(revision));
      const started = Date.now();
      const r = await protoship(repo.dir, ["docs", "--no-versions"]);
      fullRunMs = Math.max(fullRunMs, Date.now() - started);
      assert.equal(r.code, 0, r.stderr);
      snapshots.push(await snapshot(site));
    }
    const rootEntries = (await readdir(repo.dir)).sort();
    const landings = new Map<Landing, number>();
    let current = 1;
    let kills = 0;
    for (let i = 0; moreKills(i, landings); i++) {
      const next = 1 - current;
      await writeAll(repo, protos(next ? "B" : "A"));
      await killAtRandom(repo.dir, ["docs", "--no-versions"], repo.dir, fullRunMs * 1.2, 4);
      kills++;
      const where = await landing(repo.dir, snapshots[current]!, site);
      landings.set(where, (landings.get(where) ?? 0) + 1);
      if (where !== "inside the swap")
        oldOrNew(await snapshot(site), snapshots[current]!, snapshots[next]!, `site right after kill ${i + 1} (${where})`);
      const recovered = await recoveredCopy(repo.dir, ["site", STAGING], fresh());
      oldOrNew(
        await snapshot(path.join(recovered, "site")),
        snapshots[current]!,
        snapshots[next]!,
        `site after kill ${i + 1} (${where}), recovered`,
      );
      // The next run finds the repository exactly as the kill left it and recovers it itself.
      const r = await protoship(repo.dir, ["docs", "--no-versions"]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(sameMap(await snapshot(site), snapshots[next]!), `the run after kill ${i + 1} writes the new site`);
      assert.deepEqual((await readdir(repo.dir)).sort(), rootEntries, `no leftovers beside the site after kill ${i + 1}`);
      current = next;
    }
    t.diagnostic(`${kills} kills landed: ${JSON.stringify(Object.fromEntries(landings))}`);
    assert.ok(kills >= KILLS);
    assert.ok((landings.get("inside the swap") ?? 0) > 0, `a kill landed inside the swap: ${JSON.stringify(Object.fromEntries(landings))}`);
  });
});
