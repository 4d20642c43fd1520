import assert from "node:assert/strict";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type GitFixture, pathExists as exists, protoship, readTree as snapshot, run, suiteTempDirs } from "@protoship/testkit";
import { packageJson, type PackageInput } from "../src/generate/package-files.js";
import { shopRepo } from "./fixtures.js";

/** A repository with the shop module, a committed hand-written file and an untracked one. */
async function repoWithWork(dir: string): Promise<GitFixture> {
  const repo = await shopRepo(dir);
  await repo.write("notes/committed.md", "committed work\n");
  await repo.commitAll("notes");
  await repo.write("notes/untracked.md", "uncommitted work\n");
  return repo;
}

/** The single line protoship printed, which must name `what`. */
function assertRefused(r: { code: number; stderr: string; stdout: string }, what: RegExp): void {
  assert.equal(r.code, 2, `exit 2, got ${r.code}: ${r.stderr}${r.stdout}`);
  assert.match(r.stderr, what);
}

/** A `buf` that prints nothing and exits 0, for whatever it is asked. */
async function silentBuf(dir: string): Promise<string> {
  const file = path.join(dir, "silent-buf.sh");
  await writeFile(file, "#!/bin/sh\nexit 0\n");
  await chmod(file, 0o755);
  return file;
}

/** A `buf` that compiles for real but whose `buf generate` succeeds without writing anything. */
describe("nothing lost: protoship docs", { timeout: 120_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("-o . is the repository root: refused, the repository with .git and uncommitted files is untouched", async () => {
    const repo = await repoWithWork(fresh());
    const before = await snapshot(repo.dir);
    assertRefused(await protoship(repo.dir, ["docs", "-o", "."]), /-o: "\." is the repository root/);
    assert.deepEqual(await snapshot(repo.dir), before);
  });

  it("docs.outDir .git is refused and .git is untouched", async () => {
    const repo = await repoWithWork(fresh());
    await repo.write("protoship.yaml", "docs:\n  outDir: .git\n");
    const before = await snapshot(repo.dir);
    assertRefused(await protoship(repo.dir, ["docs"]), /docs\.outDir: "\.git" points into \.git/);
    assert.deepEqual(await snapshot(repo.dir), before);
  });

  it("-o .. (a sibling project's parent) is refused and the sibling is untouched", async () => {
    const top = fresh();
    const repo = await repoWithWork(path.join(top, "repo"));
    await mkdir(path.join(top, "sibling"));
    await writeFile(path.join(top, "sibling/work.txt"), "a sibling project\n");
    const before = await snapshot(top);
    assertRefused(await protoship(repo.dir, ["docs", "-o", ".."]), /-o: "\.\." is outside the repository/);
    assert.deepEqual(await snapshot(top), before);
  });

  it("a folder protoship did not write (the proto sources) is never replaced: one-line error naming it, exit 2", async () => {
    const repo = await repoWithWork(fresh());
    await repo.write("proto/untracked.txt", "mine\n");
    const before = await snapshot(repo.dir);
    const r = await protoship(repo.dir, ["docs", "-o", "proto"]);
    assertRefused(r, /proto exists and was not written by protoship docs \(no \.protoship-generated marker\); refusing/);
    assert.match(r.stderr, /hint: /);
    assert.deepEqual(await snapshot(repo.dir), before);
  });

  it("its own site is replaced (it carries the marker), and an empty folder may be used", async () => {
    const repo = await repoWithWork(fresh());
    await mkdir(path.join(repo.dir, "site"));
    assert.equal((await protoship(repo.dir, ["docs"])).code, 0);
    assert.equal(await readFile(path.join(repo.dir, "site/.protoship-generated"), "utf8"), "protoship docs\n");
    await repo.write(
      "proto/shop/order/v1/order.proto",
      (await repo.read("proto/shop/order/v1/order.proto")).replace("// An order.", "// An order, changed."),
    );
    assert.equal((await protoship(repo.dir, ["docs"])).code, 0);
    assert.match(await readFile(path.join(repo.dir, "site/packages/shop.order.v1.html"), "utf8"), /An order, changed\./);
    assert.deepEqual(
      (await readdir(repo.dir)).filter((n) => n.startsWith(".") && n !== ".git"),
      [],
      "no leftovers beside the site",
    );
  });

  it("a buf that prints nothing and exits 0 leaves the existing site alone: exit 2", async () => {
    const repo = await repoWithWork(fresh());
    assert.equal((await protoship(repo.dir, ["docs"])).code, 0);
    const before = await snapshot(path.join(repo.dir, "site"));
    const r = await protoship(repo.dir, ["docs"], undefined, { PROTOSHIP_BUF: await silentBuf(repo.dir) });
    assertRefused(r, /buf returned no proto files/);
    assert.deepEqual(await snapshot(path.join(repo.dir, "site")), before);
  });
});

describe("nothing lost: protoship generate", { timeout: 120_000 }, () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("a hand-written folder where a stub package would go is refused, its committed and untracked files kept", async () => {
    const repo = await repoWithWork(fresh());
    await repo.write("protoship.yaml", "stubs:\n  outDir: packages\n");
    await repo.write("packages/shop-order-v1/index.ts", "export const handWritten = true;\n");
    await repo.commitAll("a hand-written package");
    await repo.write("packages/shop-order-v1/draft.ts", "// not committed yet\n");
    const before = await snapshot(repo.dir);
    const r = await protoship(repo.dir, ["generate"]);
    assertRefused(r, /packages\/shop-order-v1 exists and was not written by protoship generate/);
    assert.equal(
      r.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.trim().startsWith("hint:")).length,
      1,
      `one line: ${r.stderr}`,
    );
    assert.deepEqual(await snapshot(repo.dir), before);
  });

  it("an npm name such as @acme/. is refused at config load with file:line:col; the stubs folder is untouched", async () => {
    const repo = await repoWithWork(fresh());
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    await repo.write("packages/stubs/README.md", "hand-written, beside the generated packages\n");
    const before = await snapshot(repo.dir);
    await repo.write("protoship.yaml", 'stubs:\n  names:\n    shop.order.v1: "@acme/."\n');
    const r = await protoship(repo.dir, ["generate"]);
    assertRefused(
      r,
      /protoship\.yaml:3:5: stubs\.names\.shop\.order\.v1: "@acme\/\." is not a valid npm package name: name cannot start with a period/,
    );
    before.set("protoship.yaml", await repo.read("protoship.yaml"));
    assert.deepEqual(await snapshot(repo.dir), before);
  });

  it("outDir . and the names @x/.git and @x/proto cannot reach .git or the sources", async () => {
    const repo = await repoWithWork(fresh());
    const before = await snapshot(repo.dir);
    await repo.write("protoship.yaml", 'stubs:\n  outDir: "."\n  names:\n    shop.order.v1: "@x/.git"\n');
    assertRefused(
      await protoship(repo.dir, ["generate"]),
      /protoship\.yaml:4:5: stubs\.names\.shop\.order\.v1: "@x\/\.git" is not a valid npm package name/,
    );
    await repo.write("protoship.yaml", 'stubs:\n  outDir: "."\n  names:\n    shop.order.v1: "@x/proto"\n');
    assertRefused(await protoship(repo.dir, ["generate"]), /stubs\.outDir: "\." is the repository root/);
    assertRefused(await protoship(repo.dir, ["generate", "--out-dir", ".."]), /--out-dir: "\.\." is outside the repository/);
    // With an ordinary outDir, @x/proto is a fine name whose folder is not protoship's: refused too.
    await repo.write("protoship.yaml", 'stubs:\n  outDir: "packages"\n  names:\n    shop.order.v1: "@x/proto"\n');
    await repo.write("packages/proto/keep.txt", "mine\n");
    assertRefused(await protoship(repo.dir, ["generate"]), /packages\/proto exists and was not written by protoship generate/);
    await repo.remove("protoship.yaml");
    await repo.remove("packages/proto/keep.txt");
    assert.deepEqual(await snapshot(repo.dir), before);
  });

  it("a name that would run a command is refused at config load; nothing is generated or run", async () => {
    const repo = await repoWithWork(fresh());
    await repo.write("protoship.yaml", 'stubs:\n  names:\n    shop.order.v1: "@x/foo;id>PWNED;:"\n');
    const r = await protoship(repo.dir, ["generate"]);
    assertRefused(r, /protoship\.yaml:3:5: stubs\.names\.shop\.order\.v1: .* is not a valid npm package name/);
    assert.equal(await exists(path.join(repo.dir, "packages")), false);
  });

  it("defence in depth: npm run generate passes whatever the package.json embeds as one argument, never to the shell", async () => {
    const dir = fresh();
    const pkgDir = path.join(dir, "packages/stubs/evil");
    await mkdir(pkgDir, { recursive: true });
    const input = {
      unit: { npmName: "@x/foo;id>PWNED;:", protoPackage: "x.foo", files: [], dependsOn: [] },
      version: "0.0.0",
      dependencies: {},
      protoInputs: [],
      tsProtoVersion: "0",
      rootFromPackage: "../../..",
    } as unknown as PackageInput;
    await writeFile(path.join(pkgDir, "package.json"), packageJson(input));
    // A `protoship` on PATH that records the arguments npm gives it.
    const bin = path.join(dir, "bin");
    await mkdir(bin);
    await writeFile(
      path.join(bin, "protoship"),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${path.join(dir, "argv.txt")}'\n`,
    );
    await chmod(path.join(bin, "protoship"), 0o755);
    const r = await run("npm", ["run", "generate", "--silent"], {
      cwd: pkgDir,
      env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await exists(path.join(pkgDir, "PWNED")), false, "the injected redirection did not run");
    assert.deepEqual((await readFile(path.join(dir, "argv.txt"), "utf8")).split("\n").slice(0, -1), [
      "-C",
      "../../..",
      "generate",
      "--only",
      "@x/foo;id>PWNED;:",
    ]);
  });

  it("a buf that prints nothing and exits 0 deletes nothing: exit 2, every stub package kept", async () => {
    const repo = await repoWithWork(fresh());
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    await repo.write(
      "proto/shop/order/v1/order.proto",
      (await repo.read("proto/shop/order/v1/order.proto")).replace("// An order.", "// An order, changed."),
    );
    const before = await snapshot(path.join(repo.dir, "packages/stubs"));
    const r = await protoship(repo.dir, ["generate"], undefined, { PROTOSHIP_BUF: await silentBuf(repo.dir) });
    assertRefused(r, /buf returned no proto packages to generate/);
    assert.deepEqual(await snapshot(path.join(repo.dir, "packages/stubs")), before);
  });

  it("ts-proto writing nothing for a file is an error, not an empty package", async () => {
    const repo = await repoWithWork(fresh());
    assert.equal((await protoship(repo.dir, ["generate"])).code, 0);
    // ts-proto's M option maps a file elsewhere: it generates no code for it.
    await repo.write("protoship.yaml", 'stubs:\n  tsProtoOptions: ["Mshop/order/v1/order.proto=./order-elsewhere"]\n');
    const before = await snapshot(path.join(repo.dir, "packages/stubs"));
    const r = await protoship(repo.dir, ["generate"]);
    assertRefused(r, /ts-proto produced no shop\/order\/v1\/order\.ts for shop\.order\.v1; nothing was changed/);
    assert.deepEqual(await snapshot(path.join(repo.dir, "packages/stubs")), before);
  });
});
