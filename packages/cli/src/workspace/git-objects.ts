import { EnvironmentError } from "../errors.js";
import type { GitRepo } from "../git/git.js";
import { runProcess } from "../process/run-process.js";

/**
 * Reads git objects by id in one `git cat-file --batch` call and returns id → content (the raw
 * object body: a blob's bytes, a tag's headers and message). The output is length-prefixed, so
 * no byte of any content can be mistaken for a separator. A missing object is an error.
 */
export async function readObjects(repo: GitRepo, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(ids)];
  const objects = new Map<string, Buffer>();
  if (wanted.length === 0) return objects;
  const input = Buffer.from(`${wanted.join("\n")}\n`);
  const r = await runProcess("git", ["cat-file", "--batch"], { cwd: repo.root, input, what: "git", hint: "install git" });
  if (r.code !== 0) throw new EnvironmentError(`git cat-file --batch failed: ${r.stderr.toString("utf8").trim().split("\n")[0] ?? ""}`);
  const out = r.stdout;
  let at = 0;
  for (const id of wanted) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString("utf8").split(" ");
    if (eol < 0 || header[1] === "missing" || header.length !== 3) {
      throw new EnvironmentError(`git object ${id} is missing from the repository`, "fetch it (git fetch) and run again");
    }
    const size = Number(header[2]);
    objects.set(id, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1; // content, then a newline
  }
  return objects;
}
