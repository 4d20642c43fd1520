import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Snapshot } from "../src/snapshot/snapshot.ts";

describe("Snapshot.filterFiles on the working tree or a folder", () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("tests each file's own bytes, a file larger than the reused buffer (3 MiB) between small ones included", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-filter-"));
    dirs.push(dir);
    const texts: Record<string, string> = {
      "a.proto": "package small.a;\n",
      "big.proto": `package big.v1;\n${"// filler\n".repeat(300_000)}message End {}\n`,
      "c.proto": "package small.c;\n",
      "d.proto": "package small.d; // missing below\n",
    };
    for (const [name, text] of Object.entries(texts)) await writeFile(path.join(dir, name), text);
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
