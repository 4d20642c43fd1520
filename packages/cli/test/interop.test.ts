import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateStubs } from "../src/commands/generate.js";

const exec = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const STUBS = path.join(ROOT, "packages/stubs");
const ROLES = path.join(ROOT, "packages/cli/test/fixtures/interop-roles.js.txt");

/** npm pack of a package folder into `dest`; returns the tarball. */
async function pack(dir: string, dest: string): Promise<string> {
  const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", dest], { cwd: dir });
  const [info] = JSON.parse(stdout) as { filename: string }[];
  return path.join(dest, info!.filename);
}

/** Starts a server role and waits for the line with its port. */
async function startServer(cwd: string, file: string, role: string): Promise<{ proc: ChildProcess; port: number; stubs: string }> {
  const proc = spawn(process.execPath, [file, role], { cwd, stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${role} exited with ${code}`)));
    createInterface({ input: proc.stdout! }).once("line", resolve);
  });
  return { proc, ...(JSON.parse(line) as { port: number; stubs: string }) };
}

/**
 * The two generators' packages talk to each other over real HTTP/2 on 127.0.0.1, as packed
 * tarballs installed in a fresh folder: a Connect client (gRPC protocol) from the protobuf-es
 * package calls a @grpc/grpc-js server built on the ts-proto package of the same proto, and a
 * grpc-js client calls a connect-node server; unary and server-streaming, a deadline and a status
 * error each way; each client runs as an ES module and as CommonJS (test/fixtures/interop-roles.js.txt).
 */
describe("interop: protobuf-es + Connect with ts-proto + @grpc/grpc-js", { timeout: 600_000 }, () => {
  let work: string;
  let repo: string;
  let consumer: string;
  const servers: ChildProcess[] = [];

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "protoship-interop-"));
    // protobuf-es packages of the bundled module, as @es/mesh-*; the ts-proto ones are the workspace's @mesh/*.
    repo = path.join(work, "repo");
    await mkdir(repo);
    await cp(path.join(ROOT, "protos"), path.join(repo, "protos"), { recursive: true });
    await cp(path.join(ROOT, "buf.yaml"), path.join(repo, "buf.yaml"));
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@es"\n  generator: protobuf-es\n');
    await generateStubs({ cwd: repo, version: "1.0.0" });
    const tarballs: string[] = [];
    for (const name of ["common-v1", "probe-v1"]) {
      const dir = path.join(STUBS, name);
      // scripts/test.mjs builds everything first; build here only when run on its own.
      if (!existsSync(path.join(dir, "dist/cjs/package.json"))) await exec("npm", ["run", "--silent", "build"], { cwd: dir });
      tarballs.push(await pack(dir, work), await pack(path.join(repo, "packages/stubs", `mesh-${name}`), work));
    }
    consumer = path.join(work, "consumer");
    await mkdir(consumer);
    await writeFile(path.join(consumer, "package.json"), JSON.stringify({ name: "interop-consumer", private: true, version: "1.0.0" }));
    await exec(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...tarballs,
        "@grpc/grpc-js@^1.10.0",
        "@connectrpc/connect@^2.2.0",
        "@connectrpc/connect-node@^2.2.0",
        "typescript@5.9.3",
        "@types/node@^20",
      ],
      { cwd: consumer },
    );
    const roles = await readFile(ROLES, "utf8");
    await writeFile(
      path.join(consumer, "roles.mjs"),
      `import { fileURLToPath } from "node:url";\n${roles}\n` +
        "await main((n) => import(n).then((m) => (m.default && typeof m.default === 'object' ? { ...m.default, ...m } : m)), (n) => fileURLToPath(import.meta.resolve(n)));\n",
    );
    await writeFile(path.join(consumer, "roles.cjs"), `${roles}\nmain(async (n) => require(n), (n) => require.resolve(n));\n`);
  });
  after(async () => {
    for (const proc of servers) if (proc.exitCode === null) proc.kill("SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  const client = async (file: string, role: string, port: number): Promise<Record<string, unknown>> =>
    JSON.parse((await exec(process.execPath, [file, role, `127.0.0.1:${port}`], { cwd: consumer })).stdout) as Record<string, unknown>;
  /** A result with the deadline's message left out (each library words it its own way); the code must be DEADLINE_EXCEEDED (4). */
  const codeOnly = (r: unknown): unknown => {
    const { error, ...rest } = r as { error: [number, string] };
    return { ...rest, error: error[0] };
  };

  /** What every client role sees besides its unary success: a status error, a deadline, a stream, a stream's error and deadline. */
  const assertCalls = (r: Record<string, unknown>, file: string): void => {
    assert.deepEqual(r.fail, { error: [5, "no target fail"] }, file);
    assert.deepEqual(codeOnly(r.slow), { error: 4 }, file);
    assert.deepEqual(
      r.stream,
      {
        got: [
          ["1", "ok"],
          ["2", "ok"],
          ["3", "ok"],
        ],
      },
      file,
    );
    assert.deepEqual(r.streamFail, { got: [["1", "fail"]], error: [7, "no watching fail"] }, file);
    assert.deepEqual(codeOnly(r.streamSlow), { got: [["1", "slow"]], error: 4 }, file);
  };

  test("a Connect client (gRPC protocol, protobuf-es package) calls a @grpc/grpc-js server (ts-proto package), as ESM and as CommonJS", async () => {
    const server = await startServer(consumer, "roles.mjs", "grpc-server");
    servers.push(server.proc);
    assert.match(server.stubs, /node_modules\/@mesh\/probe-v1\/dist\/esm\/index\.js$/);
    for (const [file, build] of [
      ["roles.mjs", "esm"],
      ["roles.cjs", "cjs"],
    ] as const) {
      const r = await client(file, "connect-client", server.port);
      assert.match(r.stubs as string, new RegExp(`node_modules/@es/mesh-probe-v1/${build}/index\\.js$`));
      assert.deepEqual(r.ok, { detail: "probed ok", code: 200 }, file);
      assertCalls(r, file);
    }
  });

  test("a @grpc/grpc-js client (ts-proto package) calls a connect-node server on HTTP/2 (protobuf-es package), as ESM and as CommonJS", async () => {
    const server = await startServer(consumer, "roles.cjs", "connect-server");
    servers.push(server.proc);
    assert.match(server.stubs, /node_modules\/@es\/mesh-probe-v1\/cjs\/index\.js$/);
    for (const [file, build] of [
      ["roles.mjs", "esm"],
      ["roles.cjs", "cjs"],
    ] as const) {
      const r = await client(file, "grpc-client", server.port);
      assert.match(r.stubs as string, new RegExp(`node_modules/@mesh/probe-v1/dist/${build}/index\\.js$`));
      // The grpc-js client's deadline reached the Connect handler as its timeout.
      assert.deepEqual(r.ok, { detail: "probed ok within a deadline", code: 200 }, file);
      assertCalls(r, file);
    }
  });

  test("both generators' packages type-check under tsc --strict with TypeScript 5.9 and 7 (ESM and CommonJS), and the README's Connect example runs as written", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    const example = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("#### Which generator")))![1]!;
    await writeFile(path.join(consumer, "readme.mts"), example.replaceAll('"@mesh/probe-v1"', '"@es/mesh-probe-v1"'));
    const uses = `import { create, toBinary } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { credentials } from "@grpc/grpc-js";
import { ProbeService, WatchProbeRequestSchema, type ProbeResponse } from "@es/mesh-probe-v1";
import { type Target, TargetSchema } from "@es/mesh-common-v1";
import { ProbeServiceClient, WatchProbeRequest } from "@mesh/probe-v1";

export const es: Client<typeof ProbeService> = createClient(ProbeService, createGrpcTransport({ baseUrl: "http://127.0.0.1:1" }));
export const target: Target = create(TargetSchema, { service: "payments", port: 443 });
export const bytes: Uint8Array = toBinary(WatchProbeRequestSchema, create(WatchProbeRequestSchema, { target, count: 3 }));
export const detail = (r: ProbeResponse): string | undefined => r.outcome?.detail;
export const grpc = new ProbeServiceClient("127.0.0.1:1", credentials.createInsecure());
export const request: WatchProbeRequest = WatchProbeRequest.fromPartial({ count: 3 });
`;
    await writeFile(path.join(consumer, "uses.mts"), uses);
    await writeFile(path.join(consumer, "uses.cts"), uses);
    // The protobuf-es package's own README examples compile as written too.
    const files = ["readme.mts", "uses.mts", "uses.cts"];
    const esReadme = await readFile(path.join(repo, "packages/stubs/mesh-probe-v1/README.md"), "utf8");
    for (const [i, block] of [...esReadme.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
      await writeFile(path.join(consumer, `es-readme-${i}.mts`), `${block[1]!}\nexport {};\n`);
      files.push(`es-readme-${i}.mts`);
    }
    assert.ok(files.length >= 6, "the protobuf-es README has its message, server and client examples");
    const compilers = [
      ["5.9", path.join(consumer, "node_modules/typescript/bin/tsc")],
      ["7", path.join(ROOT, "packages/cli/node_modules/typescript-7/bin/tsc")],
    ] as const;
    for (const [version, tsc] of compilers) {
      const out = `out-${version}`;
      const config = {
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: ["node"],
          outDir: out,
          skipLibCheck: false,
        },
        files,
      };
      await writeFile(path.join(consumer, "tsconfig.json"), JSON.stringify(config));
      const { stdout } = await exec(tsc, ["--version"], { cwd: consumer });
      assert.match(stdout, new RegExp(`Version ${version.replace(".", "\\.")}`));
      await exec(tsc, ["-p", "."], { cwd: consumer }).catch((error: { stdout: string }) =>
        assert.fail(`tsc ${version} --strict failed:\n${error.stdout}`),
      );
      const run = await exec(process.execPath, [`${out}/readme.mjs`], { cwd: consumer, timeout: 60_000 });
      assert.equal(run.stdout, "probed payments\n1n\n2n\n", `the README example, compiled by TypeScript ${version}`);
    }
  });
});
