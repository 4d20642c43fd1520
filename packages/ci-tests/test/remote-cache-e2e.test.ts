import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  GitFixture,
  linkStubWorkspace,
  protoship,
  run,
  startRemoteCache,
  suiteTempDirs,
  writeTurboRoot,
  type RemoteCacheServer,
} from "@protoship/testkit";

/**
 * Many machines, one build: an adopter repository (`protoship init`, committed stub packages, a
 * root turbo.json) builds its stub packages with turbo's remote cache pointed at a real
 * turborepo-remote-cache server on 127.0.0.1. Clone A generates, commits and builds (cache misses,
 * uploaded); a fresh clone B builds every stub package from remote cache hits, byte for byte the
 * same dist/ as A's.
 */
describe("stub package builds shared through turbo's remote cache", { timeout: 600_000 }, () => {
  const dirs = suiteTempDirs({ before, after });
  let cache: RemoteCacheServer;
  let remote: string;
  let cloneA: GitFixture;

  before(async () => {
    cache = await startRemoteCache();
  });
  after(async () => {
    await cache?.stop();
  });

  const turboBuild = async (repo: GitFixture) => {
    const r = await run(path.join(repo.dir, "node_modules/.bin/turbo"), ["run", "build", "--summarize", "--output-logs=errors-only"], {
      cwd: repo.dir,
      env: { ...cache.env, CI: "1", DO_NOT_TRACK: "1" },
    });
    assert.equal(r.code, 0, `turbo run build exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return { output: r.stdout + r.stderr, summary: await lastSummary(repo.dir) };
  };

  it("clone A: init, generate, commit, turbo run build uploads every stub build to the server", async () => {
    const origin = await GitFixture.init(dirs.fresh("origin"));
    await origin.write("package.json", `${JSON.stringify({ name: "@acme/apis", version: "0.0.0", private: true }, null, 2)}\n`);
    for (const [file, content] of Object.entries(PROTOS)) await origin.write(file, content);
    const init = await protoship(origin.dir, ["init", "--scope", "@acme"]);
    assert.equal(init.code, 0, init.stderr);
    await writeTurboRoot(origin.dir);
    const generated = await protoship(origin.dir, ["generate"]);
    assert.equal(generated.code, 0, generated.stderr);
    await origin.commitAll("protos, protoship, stubs");
    remote = dirs.fresh("remote.git");
    await origin.git("clone", "-q", "--bare", origin.dir, remote);

    cloneA = await GitFixture.clone(remote, dirs.fresh("clone-a"));
    await linkStubWorkspace(cloneA.dir);
    assert.deepEqual(await cache.artifacts(), [], "the server starts empty");
    const { summary } = await turboBuild(cloneA);
    const builds = stubBuilds(summary);
    assert.deepEqual(builds.map((t) => t.taskId).sort(), STUB_BUILDS);
    for (const task of builds) assert.equal(task.cache.status, "MISS", `${task.taskId} built for the first time`);
    const artifacts = await cache.artifacts();
    for (const task of builds)
      assert.ok(
        artifacts.some((a) => a.includes(task.hash)),
        `the server holds ${task.taskId}'s artifact ${task.hash} (has ${artifacts.join(", ")})`,
      );
    assert.equal((await cloneA.git("status", "--porcelain", "--untracked-files=no")).trim(), "", "the build changed no tracked file");
  });

  it("fresh clone B: every stub package's build is a remote cache hit with byte-identical dist/", async () => {
    const cloneB = await GitFixture.clone(remote, dirs.fresh("clone-b"));
    await linkStubWorkspace(cloneB.dir);
    // As the workflows do: generate (a fresh clone has no stamp, so every package is rewritten), then build.
    const generated = await protoship(cloneB.dir, ["generate"]);
    assert.equal(generated.code, 0, generated.stderr);
    const { summary } = await turboBuild(cloneB);
    const builds = stubBuilds(summary);
    assert.deepEqual(builds.map((t) => t.taskId).sort(), STUB_BUILDS);
    const hashesA = new Map(stubBuilds(await lastSummary(cloneA.dir)).map((t) => [t.taskId, t.hash]));
    for (const task of builds) {
      assert.equal(task.hash, hashesA.get(task.taskId), `${task.taskId}: the same cache key on both clones`);
      assert.equal(task.cache.status, "HIT", `${task.taskId} came from the cache`);
      assert.equal(task.cache.source, "REMOTE", `${task.taskId} came from the remote cache`);
    }
    for (const pkg of ["common-v1", "files-v1", "search-v1"]) {
      const dist = `packages/stubs/${pkg}/dist`;
      const a = await tree(path.join(cloneA.dir, dist));
      const b = await tree(path.join(cloneB.dir, dist));
      assert.ok(Object.keys(a).length >= 4, `${dist} holds the ESM and CJS builds`);
      assert.deepEqual(b, a, `${dist} is byte-identical on both clones`);
    }
  });
});

const STUB_BUILDS = ["@acme/common-v1#build", "@acme/files-v1#build", "@acme/search-v1#build"];

interface TaskSummary {
  taskId: string;
  hash: string;
  cache: { status: "HIT" | "MISS"; source?: "LOCAL" | "REMOTE" };
}

/** The stub packages' build tasks of a turbo run summary. */
function stubBuilds(summary: { tasks: TaskSummary[] }): TaskSummary[] {
  return summary.tasks.filter((t) => t.taskId.startsWith("@acme/") && t.taskId.endsWith("#build"));
}

/** The newest run summary `turbo run --summarize` wrote (.turbo/runs/<id>.json). */
async function lastSummary(repo: string): Promise<{ tasks: TaskSummary[] }> {
  const runs = path.join(repo, ".turbo/runs");
  const files = (await readdir(runs)).filter((f) => f.endsWith(".json")).sort();
  assert.ok(files.length > 0, "turbo wrote a run summary");
  return JSON.parse(await readFile(path.join(runs, files.at(-1)!), "utf8"));
}

/** Every file under a folder, relative path → content as base64. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = (await readFile(file)).toString("base64");
  }
  return out;
}

const PROTOS: Record<string, string> = {
  "protos/acme/common/v1/blob.proto": `syntax = "proto3";

package acme.common.v1;

// A named piece of content.
message Blob {
  string name = 1;
  bytes data = 2;
}
`,
  "protos/acme/files/v1/files.proto": `syntax = "proto3";

package acme.files.v1;

import "acme/common/v1/blob.proto";

// Reads stored files.
service FilesService {
  // Returns one file.
  rpc GetBlob(GetBlobRequest) returns (GetBlobResponse);
}

message GetBlobRequest {
  string name = 1;
}

message GetBlobResponse {
  acme.common.v1.Blob blob = 1;
}
`,
  "protos/acme/search/v1/search.proto": `syntax = "proto3";

package acme.search.v1;

import "acme/common/v1/blob.proto";
import "acme/files/v1/files.proto";

// Finds files.
service SearchService {
  // Files whose name matches.
  rpc Search(SearchRequest) returns (SearchResponse);
}

message SearchRequest {
  string query = 1;
}

message SearchResponse {
  repeated acme.common.v1.Blob blobs = 1;
  acme.files.v1.GetBlobRequest next = 2;
}
`,
};
