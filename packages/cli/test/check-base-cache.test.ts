import assert from "node:assert/strict";
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { protoship, suiteTempDirs, type GitFixture } from "@protoship/testkit";
import { ORDER_BREAKING, findingsOf, shopRepo } from "./fixtures.ts";
import { BASE_IMAGES_KEPT, writeBaseImage } from "../src/check/base-image-cache.ts";
import { loggingBuf } from "./logging-buf.ts";

const ORDER = "proto/shop/order/v1/order.proto";
const CACHE_DIR = "node_modules/.cache/protoship";

/** The shop repository with node_modules ignored (as protoship init writes .gitignore) and a breaking change in the working tree. */
async function changedRepo(dir: string): Promise<GitFixture> {
  const repo = await shopRepo(dir);
  await repo.write(".gitignore", "node_modules/\n");
  await repo.commitAll("ignore node_modules");
  await repo.write(ORDER, ORDER_BREAKING);
  return repo;
}

type Buf = Awaited<ReturnType<typeof loggingBuf>>;

/** Runs `protoship check` with a buf that logs its calls; returns the findings (file:line:col rule) and the base builds buf ran. */
async function checkLogged(repo: GitFixture, buf: Buf): Promise<{ findings: string[]; baseBuilds: number }> {
  const before = (await buf.calls()).length;
  const r = await protoship(repo.dir, ["check", "--format", "json"], undefined, buf.env);
  assert.equal(r.code, 1, r.stderr);
  const findings = findingsOf(r.stdout).map((f) => `${f.file}:${f.line}:${f.column} ${f.rule}`);
  const calls = (await buf.calls()).slice(before);
  return { findings, baseBuilds: calls.filter((c) => c.startsWith("build ") && c.includes("--exclude-source-info")).length };
}

async function cacheEntries(repo: GitFixture): Promise<string[]> {
  return (await readdir(path.join(repo.dir, CACHE_DIR)).catch(() => [] as string[])).filter((f) => f.startsWith("check-base-"));
}

describe("check reuses the base's image", () => {
  const { fresh } = suiteTempDirs({ before, after });
  const expected = [`${ORDER}:10:3 FIELD_SAME_TYPE`];

  it("a second check with the same base builds no base and finds the same at the same place; the cache is ignored by git", async () => {
    const repo = await changedRepo(fresh());
    const buf = await loggingBuf(fresh());
    const first = await checkLogged(repo, buf);
    assert.deepEqual(first, { findings: expected, baseBuilds: 1 });
    assert.equal((await cacheEntries(repo)).length, 1, "the base's image is kept");
    const second = await checkLogged(repo, buf);
    assert.deepEqual(second, { findings: expected, baseBuilds: 0 });
    assert.equal((await repo.git("status", "--porcelain")).trim(), `M ${ORDER}`, "the cache is ignored by git: only the change shows");
  });

  it("a new commit on the base builds the base again", async () => {
    const repo = await changedRepo(fresh());
    const buf = await loggingBuf(fresh());
    await checkLogged(repo, buf);
    assert.equal((await checkLogged(repo, buf)).baseBuilds, 0);
    await repo.write("README.md", "docs\n");
    await repo.git("add", "README.md");
    await repo.git("commit", "-qm", "docs");
    assert.deepEqual(await checkLogged(repo, buf), { findings: expected, baseBuilds: 1 });
    assert.equal((await cacheEntries(repo)).length, 2);
  });

  it("a tampered entry is not used: the base is built again and its entry rewritten", async () => {
    const repo = await changedRepo(fresh());
    const buf = await loggingBuf(fresh());
    await checkLogged(repo, buf);
    const [entry] = await cacheEntries(repo);
    const file = path.join(repo.dir, CACHE_DIR, entry!);
    const bytes = await readFile(file);
    // The base image of a tree where the field already is int64 would hide the finding: any edit
    // of the image's bytes must make the entry a miss.
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(file, bytes);
    assert.deepEqual(await checkLogged(repo, buf), { findings: expected, baseBuilds: 1 });
    assert.notDeepEqual(await readFile(file), bytes, "the entry was rewritten");
    assert.equal((await checkLogged(repo, buf)).baseBuilds, 0);
  });

  it("a deleted file (both sides compared as images) is reported from the cached base too", async () => {
    const repo = await changedRepo(fresh());
    await repo.git("checkout", "--", ORDER);
    await repo.remove("proto/shop/order/v1/customer.proto");
    const buf = await loggingBuf(fresh());
    const findings = ["proto/shop/order/v1/customer.proto:1:1 FILE_NO_DELETE"];
    assert.deepEqual(await checkLogged(repo, buf), { findings, baseBuilds: 1 });
    assert.deepEqual(await checkLogged(repo, buf), { findings, baseBuilds: 0 });
  });

  it("keeps the most recent base images and removes only entries it wrote", async () => {
    const repo = await changedRepo(fresh());
    const dir = path.join(repo.dir, CACHE_DIR);
    await mkdir(dir, { recursive: true });
    const others = ["image-0123.binpb", "check-base-notes.txt", "config.json"];
    for (const name of others) await writeFile(path.join(dir, name), "not a base image\n");
    const keys = Array.from({ length: BASE_IMAGES_KEPT + 2 }, (_, i) => i.toString(16).padStart(64, "0"));
    for (const [i, key] of keys.entries()) {
      await writeBaseImage(repo.dir, key, Buffer.from([i]));
      // Distinct modification times, oldest first, whatever the file system's resolution.
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
      await utimes(path.join(dir, `check-base-${key}.binpb`), at, at);
    }
    const names = (await readdir(dir)).sort();
    assert.deepEqual(names, [...others, ...keys.slice(2).map((k) => `check-base-${k}.binpb`)].sort());
  });

  it("writes no cache through a node_modules symlink out of the repository, and still checks", async () => {
    const repo = await changedRepo(fresh());
    const outside = fresh();
    await mkdir(outside, { recursive: true });
    await symlink(outside, path.join(repo.dir, "node_modules"));
    const buf = await loggingBuf(fresh());
    assert.deepEqual(await checkLogged(repo, buf), { findings: expected, baseBuilds: 1 });
    assert.deepEqual(await checkLogged(repo, buf), { findings: expected, baseBuilds: 1 });
    assert.deepEqual(await readdir(outside), [], "nothing written outside the repository");
  });
});
