import assert from "node:assert/strict";
import { existsSync, realpathSync } from "node:fs";
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  GitFixture,
  REPO_ROOT,
  pnpmBinary,
  protoship,
  readTree,
  run,
  seedFromInstalled,
  startVerdaccio,
  suiteTempDirs,
  type RunResult,
  type VerdaccioRegistry,
} from "@protoship/testkit";
import { buildStubPackagesAt } from "../src/commands/build.js";
import { STUB_TOOLCHAIN } from "../src/generate/stub-toolchain.js";

/** Three proto packages whose alphabetical order is the reverse of their dependency order. */
const PROTOS: Record<string, string> = {
  "proto/shop/zcommon/v1/money.proto": `syntax = "proto3";
package shop.zcommon.v1;
import "google/protobuf/timestamp.proto";
message Money {
  int64 units = 1;
  google.protobuf.Timestamp at = 2;
}
`,
  "proto/shop/order/v1/order.proto": `syntax = "proto3";
package shop.order.v1;
import "shop/zcommon/v1/money.proto";
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  shop.zcommon.v1.Money total = 2;
  google.protobuf.Timestamp placed = 3;
}
service OrderService {
  rpc GetOrder(Order) returns (Order);
}
`,
  "proto/shop/billing/v1/invoice.proto": `syntax = "proto3";
package shop.billing.v1;
import "shop/order/v1/order.proto";
import "shop/zcommon/v1/money.proto";
message Invoice {
  shop.order.v1.Order order = 1;
  shop.zcommon.v1.Money due = 2;
}
`,
};
const NAMES = ["@acme/shop-billing-v1", "@acme/shop-order-v1", "@acme/shop-zcommon-v1"];
const TYPESCRIPT = { "5.9": STUB_TOOLCHAIN.typescript.pin, "7": "7.0.2" } as const;

/**
 * `protoship build`, the one command that builds every stub package, on a workspace installed as a
 * team installs it (npm workspaces, or a pnpm workspace) from a registry on 127.0.0.1 that holds this
 * repository's installed stub toolchain (TypeScript 5.9 and TypeScript 7 among it): packages that
 * import each other build in dependency order, with either TypeScript, where npm's alphabetical
 * `--workspaces` build fails; a type error fails the command naming the package.
 */
describe("protoship build", { timeout: 900_000 }, () => {
  const temps = suiteTempDirs({ before, after });
  let registry: VerdaccioRegistry;

  before(async () => {
    registry = await startVerdaccio();
    const modules = path.join(REPO_ROOT, "node_modules");
    // TypeScript 7 is installed as testkit's `typescript-7` (an alias: its package.json says typescript 7.x).
    await seedFromInstalled(
      registry,
      [
        ...["typescript", "@types/node", "@grpc/grpc-js", "@bufbuild/protobuf"].map((n) => path.join(modules, n)),
        path.join(REPO_ROOT, "packages/testkit/node_modules/typescript-7"),
      ],
      () => false,
    );
  });
  after(async () => {
    await registry?.stop();
  });

  /** A repository with the three proto packages and their generated stub packages, the root's devDependencies asking for `typescript`. */
  async function stubRepo(name: string, typescript: string): Promise<GitFixture> {
    const repo = await GitFixture.init(temps.fresh(name));
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("protoship.yaml", 'stubs:\n  scope: "@acme"\n');
    await repo.write(".gitignore", "node_modules/\ndist/\n");
    for (const [file, text] of Object.entries(PROTOS)) await repo.write(file, text);
    await writeRootManifest(repo.dir, typescript);
    const generated = await protoship(repo.dir, ["generate"]);
    assert.equal(generated.code, 0, generated.stderr);
    await repo.commitAll("stubs");
    return repo;
  }

  async function writeRootManifest(dir: string, typescript: string): Promise<void> {
    const manifest = {
      name: "shop-apis",
      private: true,
      workspaces: ["packages/stubs/*"],
      devDependencies: {
        "@bufbuild/protobuf": STUB_TOOLCHAIN.protobuf.pin,
        "@grpc/grpc-js": STUB_TOOLCHAIN.grpc.pin,
        "@types/node": STUB_TOOLCHAIN.typesNode.pin,
        typescript,
      },
    };
    await writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  const sh = async (cwd: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> => {
    const r = await run(cmd, args, { cwd, env: { ...registry.env, ...env } });
    assert.equal(r.code, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  /** Every package built (ESM, CommonJS and both declarations), with `typescript`'s version, and usable from ESM and CommonJS. */
  async function assertBuilt(dir: string, typescript: string): Promise<void> {
    for (const name of NAMES) {
      const pkg = path.join(dir, "packages/stubs", name.slice("@acme/".length));
      // The tsc its build runs (its own node_modules/.bin first, as with pnpm, else the root's) is the root's version.
      const own = path.join(pkg, "node_modules/.bin/tsc");
      const tsc = await run(existsSync(own) ? own : path.join(dir, "node_modules/.bin/tsc"), ["--version"], { cwd: pkg });
      assert.match(tsc.stdout, new RegExp(`Version ${typescript.replaceAll(".", "\\.")}`), name);
      for (const file of ["dist/esm/index.js", "dist/esm/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts"])
        assert.ok(existsSync(path.join(pkg, file)), `${name}: ${file}`);
      assert.deepEqual(JSON.parse(await readFile(path.join(pkg, "dist/cjs/package.json"), "utf8")), { type: "commonjs" });
    }
    // The importer of the other two, loaded both ways (by path: pnpm links the stubs only into their importers): messages round-trip.
    const billing = path.join(dir, "packages/stubs/shop-billing-v1");
    const script = (load: string): string =>
      `${load}; const { Invoice } = m; const i = Invoice.fromPartial({ order: { id: "o1", total: { units: 5n } }, due: { units: 7n, at: new Date(0) } });` +
      " const back = Invoice.decode(Invoice.encode(i).finish()); if (back.order.total.units !== 5n || back.due.at.getTime() !== 0) process.exit(1); console.log('ok');";
    const cjs = await run(process.execPath, ["-e", script(`const m = require(${JSON.stringify(billing)})`)], { cwd: dir });
    assert.equal(cjs.stdout.trim(), "ok", cjs.stderr);
    const esmEntry = pathToFileURL(path.join(billing, "dist/esm/index.js")).href;
    const esm = await run(process.execPath, ["--input-type=module", "-e", script(`const m = await import(${JSON.stringify(esmEntry)})`)], {
      cwd: dir,
    });
    assert.equal(esm.stdout.trim(), "ok", esm.stderr);
  }

  test("npm workspaces: in dependency order with TypeScript 5.9 and 7, where npm's alphabetical --workspaces build fails", async () => {
    const repo = await stubRepo("npm-apis", TYPESCRIPT["5.9"]);
    const npmInstall = ["install", "--no-audit", "--no-fund", "--loglevel=error"];
    await sh(repo.dir, "npm", npmInstall);
    // npm builds the workspaces alphabetically: billing first, before the packages whose dist/ it imports.
    const alphabetical = await run("npm", ["run", "build", "--workspaces"], { cwd: repo.dir });
    assert.notEqual(alphabetical.code, 0);
    assert.match(alphabetical.stdout + alphabetical.stderr, /TS2307/);

    for (const version of [TYPESCRIPT["5.9"], TYPESCRIPT["7"]]) {
      await writeRootManifest(repo.dir, version);
      await sh(repo.dir, "npm", npmInstall);
      const built = await protoship(repo.dir, ["build"]);
      assert.equal(built.code, 0, built.stdout + built.stderr);
      assert.match(built.stdout, /^built 3 stub packages in packages\/stubs \(/m);
      await assertBuilt(repo.dir, version);
    }

    // One tsc program builds the three packages (one run for ESM with the type-check, one for CommonJS),
    // the copy of google/protobuf/timestamp.ts that two of them hold checked once, and each dist/ is
    // byte for byte what the package's own build script writes.
    const calls = path.join(repo.dir, "tsc-calls.log");
    const realTsc = realpathSync(path.join(repo.dir, "node_modules/.bin/tsc"));
    await rm(path.join(repo.dir, "node_modules/.bin/tsc"));
    await writeFile(path.join(repo.dir, "node_modules/.bin/tsc"), `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${realTsc}' "$@"\n`, {
      mode: 0o755,
    });
    const merged = await protoship(repo.dir, ["build"]);
    assert.equal(merged.code, 0, merged.stdout + merged.stderr);
    assert.match(merged.stdout, /^built 3 stub packages in packages\/stubs \(.*; 3 in 1 tsc program, 1 shared copy checked once\)$/m);
    assert.deepEqual((await readFile(calls, "utf8")).trim().split("\n"), ["-p tsconfig.json", "-p tsconfig.cjs.json"]);
    assert.ok(!existsSync(path.join(repo.dir, "packages/stubs/.protoship-build")));
    const distOf = (name: string) => readTree(path.join(repo.dir, "packages/stubs", name.slice("@acme/".length), "dist"));
    const mergedDist = await Promise.all(NAMES.map(distOf));
    for (const name of [...NAMES].reverse())
      await sh(path.join(repo.dir, "packages/stubs", name.slice("@acme/".length)), "npm", ["run", "build"]);
    assert.deepEqual(await Promise.all(NAMES.map(distOf)), mergedDist);
    // One package per program: each importer reads the declarations built by the program before.
    const root = realpathSync(repo.dir);
    const separate = await buildStubPackagesAt({ root, outDir: path.join(root, "packages/stubs"), batchBytes: 1, progress: false });
    assert.deepEqual([separate.merged, separate.batches], [3, 3]);
    assert.deepEqual(await Promise.all(NAMES.map(distOf)), mergedDist);

    // Naming one package builds it and what it imports, nothing else.
    for (const name of NAMES) await rm(path.join(repo.dir, "packages/stubs", name.slice("@acme/".length), "dist"), { recursive: true });
    const some = await protoship(repo.dir, ["build", "@acme/shop-order-v1", "--jobs", "1"]);
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stdout, /^built 2 stub packages/m);
    assert.ok(existsSync(path.join(repo.dir, "packages/stubs/shop-zcommon-v1/dist/cjs/index.js")));
    assert.ok(!existsSync(path.join(repo.dir, "packages/stubs/shop-billing-v1/dist")));

    // A type error in one package: exit 1 naming it and tsc's file:line:col; what imports it is not started, the rest builds.
    await appendFile(
      path.join(repo.dir, "packages/stubs/shop-order-v1/src/shop/order/v1/order.ts"),
      'export const broken: number = "x";\n',
    );
    const failed = await protoship(repo.dir, ["build"]);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stderr, /1 stub package failed to build \(1 that depend on them not started\)/);
    assert.match(
      failed.stderr,
      /@acme\/shop-order-v1 \(packages\/stubs\/shop-order-v1\): exit \d+: src\/shop\/order\/v1\/order\.ts\(\d+,\d+\): error TS2322/,
    );
    assert.doesNotMatch(failed.stderr, /shop-billing-v1|shop-zcommon-v1/);
    assert.ok(existsSync(path.join(repo.dir, "packages/stubs/shop-zcommon-v1/dist/cjs/index.js")));
    assert.ok(!existsSync(path.join(repo.dir, "packages/stubs/shop-billing-v1/dist")));

    const unknown = await protoship(repo.dir, ["build", "@acme/nope-v1"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no stub package @acme\/nope-v1/);
  });

  test("pnpm workspace: not linked is refused before anything runs; linked, in dependency order with TypeScript 5.9 and 7", async () => {
    const pnpm = await pnpmBinary();
    const repo = await stubRepo("pnpm-apis", TYPESCRIPT["7"]);
    const env = { npm_config_store_dir: temps.fresh("pnpm-store") };
    // Without the workspace's links, tsc could not find the stub packages: refused with how to link them.
    const unlinked = await protoship(repo.dir, ["build"]);
    assert.equal(unlinked.code, 2, unlinked.stdout + unlinked.stderr);
    assert.match(
      unlinked.stderr,
      /imports @acme\/shop-zcommon-v1, which is not installed: the stub packages are not linked as a workspace/,
    );
    assert.match(unlinked.stderr, /linkWorkspacePackages: true/);

    for (const version of [TYPESCRIPT["7"], TYPESCRIPT["5.9"]]) {
      // The stub packages depend on each other as ^0.0.0, not workspace:, so pnpm links them only with
      // linkWorkspacePackages. pnpm resolves each package's typescript range on its own: overrides holds them all to one.
      await repo.write(
        "pnpm-workspace.yaml",
        `packages:\n  - packages/stubs/*\nlinkWorkspacePackages: true\noverrides:\n  typescript: ${version}\nallowBuilds:\n  protobufjs: false\n`,
      );
      await writeRootManifest(repo.dir, version);
      await sh(repo.dir, pnpm, ["install", "--no-frozen-lockfile"], env);
      const link = path.join(repo.dir, "packages/stubs/shop-billing-v1/node_modules/@acme/shop-order-v1");
      assert.equal(realpathSync(link), realpathSync(path.join(repo.dir, "packages/stubs/shop-order-v1")));
      const built = await protoship(repo.dir, ["build"]);
      assert.equal(built.code, 0, built.stdout + built.stderr);
      assert.match(built.stdout, /^built 3 stub packages/m);
      await assertBuilt(repo.dir, version);
    }
  });
});
