import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const STUBS = path.join(ROOT, "packages/stubs");
const BIN = path.join(ROOT, "node_modules/.bin");

/**
 * The acceptance test of the stub packages as an outside team gets them: `npm pack` each one,
 * check it with publint and arethetypeswrong, install the tarballs with npm into a project outside
 * the workspace (runtime dependencies from the npm registry), and compile and run one consumer as
 * ESM and as CommonJS with tsc --strict against a real gRPC server on 127.0.0.1.
 */
describe("stub packages, packed and used outside the workspace", { timeout: 600_000 }, () => {
  let work: string;
  const tarballs = new Map<string, string>();
  let names: string[];

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "protoship-pack-"));
    names = (await readdir(STUBS, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const dir = path.join(STUBS, name);
      // scripts/test.mjs builds everything first; build here only when run on its own.
      if (!existsSync(path.join(dir, "dist/cjs/package.json"))) await exec("npm", ["run", "--silent", "build"], { cwd: dir });
      const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", work], { cwd: dir });
      const [info] = JSON.parse(stdout) as { name: string; filename: string }[];
      tarballs.set(info!.name, path.join(work, info!.filename));
    }
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test("publint --strict finds nothing to report", async () => {
    for (const [name, tarball] of tarballs) {
      const { stdout } = await exec(path.join(BIN, "publint"), ["run", tarball, "--strict"]);
      assert.match(stdout, /All good!/, `${name}:\n${stdout}`);
    }
  });

  test("arethetypeswrong finds no problems in any resolution mode", async () => {
    for (const [name, tarball] of tarballs) {
      const { stdout } = await exec(path.join(BIN, "attw"), [tarball, "--format", "json"]).catch((error: { stdout: string }) => ({
        stdout: error.stdout,
      }));
      const report = JSON.parse(stdout) as { analysis: { problems: unknown[] } };
      assert.deepEqual(report.analysis.problems, [], `${name}: ${JSON.stringify(report.analysis.problems)}`);
    }
  });

  test("installed from the tarballs, one consumer compiles with tsc --strict as ESM and as CommonJS and talks to a real server", async () => {
    const project = path.join(work, "consumer");
    await exec("mkdir", ["-p", project]);
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ name: "stub-consumer", private: true, version: "1.0.0" }, null, 2),
    );
    await exec(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...tarballs.values(),
        "@grpc/grpc-js@^1.10.0",
        "typescript@5.9.3",
        "@types/node@^20",
      ],
      { cwd: project },
    );
    const source = await readFile(path.join(ROOT, "packages/cli/test/fixtures/stub-consumer.ts.txt"), "utf8");
    await writeFile(path.join(project, "esm.mts"), source.replaceAll("__RESOLVE__", 'import.meta.resolve("@mesh/probe-v1")'));
    await writeFile(path.join(project, "cjs.cts"), source.replaceAll("__RESOLVE__", 'require.resolve("@mesh/probe-v1")'));
    // Every TypeScript example in every package's README must compile as written.
    const readmeExamples: string[] = [];
    for (const name of names) {
      const readme = await readFile(path.join(STUBS, name, "README.md"), "utf8");
      const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      for (const [i, code] of blocks.entries()) {
        const file = `readme-${name}-${i}.mts`;
        await writeFile(path.join(project, file), `${code}\nexport {};\n`);
        readmeExamples.push(file);
      }
    }
    assert.ok(readmeExamples.length >= names.length * 2, "each README has examples");
    await writeFile(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: ["node"],
          outDir: "out",
          skipLibCheck: false,
        },
        files: ["esm.mts", "cjs.cts", ...readmeExamples],
      }),
    );
    await exec(path.join(project, "node_modules/.bin/tsc"), ["-p", "."], { cwd: project }).catch((error: { stdout: string }) =>
      assert.fail(`tsc --strict failed:\n${error.stdout}`),
    );
    const esm = JSON.parse((await exec(process.execPath, ["out/esm.mjs"], { cwd: project })).stdout) as { ok: boolean; resolved: string };
    const cjs = JSON.parse((await exec(process.execPath, ["out/cjs.cjs"], { cwd: project })).stdout) as { ok: boolean; resolved: string };
    assert.ok(esm.ok && cjs.ok);
    assert.match(esm.resolved, /node_modules\/@mesh\/probe-v1\/dist\/esm\/index\.js$/);
    assert.match(cjs.resolved, /node_modules\/@mesh\/probe-v1\/dist\/cjs\/index\.js$/);
    // One copy of @mesh/common-v1, shared by every package that uses its types.
    const { stdout } = await exec("npm", ["ls", "@mesh/common-v1", "--all", "--parseable"], { cwd: project });
    assert.equal(new Set(stdout.trim().split("\n")).size, 1);
  });
});
