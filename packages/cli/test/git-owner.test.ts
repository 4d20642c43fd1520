import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";

const SRC = path.join(import.meta.dirname, "..", "src");

/** Every .ts file under src, as a path relative to it with forward slashes. */
async function sources(): Promise<string[]> {
  const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

describe("git/ owns every git command", () => {
  it("no file outside src/git/ starts git or builds a git command line", async () => {
    // A git command line is what reaches GitRepo's runners (query, queryBytes, change) or a
    // process started as "git"; outside git/, code calls the named functions git/ exports.
    const ways = [/\brunProcess\(\s*"git"/, /\bfrom "simple-git"/, /\.(raw|query|queryBytes|change)\(\s*\[/, /\brunGit\(/];
    const offenders: string[] = [];
    for (const file of await sources()) {
      if (file.startsWith("git/")) continue;
      const text = await readFile(path.join(SRC, file), "utf8");
      for (const way of ways) if (way.test(text)) offenders.push(`${file}: ${way.source}`);
    }
    assert.deepEqual(offenders, []);
  });

  it("git/ starts git in one place", async () => {
    const starters: string[] = [];
    for (const file of (await sources()).filter((f) => f.startsWith("git/"))) {
      const text = await readFile(path.join(SRC, file), "utf8");
      if (/\brunProcess\(\s*"git"/.test(text)) starters.push(file);
    }
    assert.deepEqual(starters, ["git/run-git.ts"]);
  });
});
