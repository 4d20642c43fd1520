import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { parseBufWorkspace } from "../src/buf/buf-config.ts";
import { Snapshot } from "../src/snapshot/snapshot.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A folder of `texts` (relative path → text), removed after the tests. */
async function folderOf(texts: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-filter-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(texts)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe("Snapshot.filterFiles on the working tree or a folder", () => {
  it("tests each file's own bytes, a file larger than the reused buffer (3 MiB) between small ones included", async () => {
    const texts: Record<string, string> = {
      "a.proto": "package small.a;\n",
      "big.proto": `package big.v1;\n${"// filler\n".repeat(300_000)}message End {}\n`,
      "c.proto": "package small.c;\n",
      "d.proto": "package small.d; // missing below\n",
    };
    const dir = await folderOf(texts);
    const files = Object.keys(texts).map((name) => ({ path: name, source: name }));
    const seen = new Map<string, string>();
    let index = 0;
    const kept = await Snapshot.folder(dir).filterFiles([...files, { path: "gone.proto", source: "gone.proto" }], (bytes) => {
      seen.set(files[index++]!.path, bytes.toString("utf8"));
      return !bytes.includes("missing");
    });
    assert.deepEqual(Object.fromEntries(seen), texts);
    assert.deepEqual(
      kept.map((f) => f.path),
      ["a.proto", "big.proto", "c.proto"],
      "a file that cannot be read is left out",
    );
  });
});

describe("Snapshot.digestAndFilter", () => {
  it("gives digest's digest and filterFiles' files from one read of each .proto file (configuration hashed, never tested)", async () => {
    const texts: Record<string, string> = {
      "buf.yaml": "version: v2\n",
      "a/a.proto": "package keep.a;\n",
      "b/b.proto": "package drop.b;\n",
      "c.proto": `package keep.c;\n${"// filler\n".repeat(200_000)}`,
    };
    const dir = await folderOf(texts);
    const workspace = await parseBufWorkspace("version: v2\n", "buf.yaml");
    const snapshot = Snapshot.folder(dir);
    const tested: string[] = [];
    const { digest, kept } = await snapshot.digestAndFilter(workspace, ["buf.yaml", "protoship.yaml"], (bytes) => {
      tested.push(bytes.toString("utf8", 0, 14));
      return bytes.includes("keep");
    });
    assert.equal(digest, await snapshot.digest(workspace, ["buf.yaml", "protoship.yaml"]));
    const files = await snapshot.listProtoFiles(workspace);
    const filtered = await snapshot.filterFiles(files, (bytes) => bytes.includes("keep"));
    assert.deepEqual(kept, filtered);
    assert.deepEqual(
      kept.map((f) => f.path),
      ["a/a.proto", "c.proto"],
    );
    assert.deepEqual(tested.sort(), ["package drop.b", "package keep.a", "package keep.c"], "each .proto tested once, buf.yaml never");
    await writeFile(path.join(dir, "b/b.proto"), "package drop.c;\n");
    assert.notEqual((await snapshot.digestAndFilter(workspace, ["buf.yaml"], () => true)).digest, digest);
  });
});
