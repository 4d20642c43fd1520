import assert from "node:assert/strict";
import { realpath, symlink, mkdir, writeFile, cp } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, REPO_ROOT, protoship, run, startVerdaccio, tempDir, type VerdaccioRegistry } from "@protoship/testkit";
import { redact } from "../src/process/redact.ts";
import { BILLING, BILLING_V1, COMMON, COMMON_V1, ORDER, ORDER_V1, ORDER_WITH_COMMON, protoRepo, writeProtos } from "./release-helpers.ts";

/** A .proto in the order package that is git-ignored: it must never reach a published package. */
const SECRET = `syntax = "proto3";\n\npackage shop.order.v1;\n\n// Internal only.\nmessage InternalSecret {\n  // Do not ship.\n  string key = 1;\n}\n`;

/** A registry on 127.0.0.1 that rejects every request and echoes the credential it got, without "Bearer". */
async function echoingRegistry(): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    const credential = String(req.headers.authorization ?? "none").replace(/^Bearer\s+/i, "");
    res
      .writeHead(403, { "content-type": "application/json", "www-authenticate": credential })
      .end(JSON.stringify({ error: `credential ${credential} is not allowed here` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `npm view name@version field --json` against the test registry; undefined when absent. */
async function view(registry: VerdaccioRegistry, spec: string, field = "version"): Promise<unknown> {
  const r = await run("npm", ["view", spec, field, "--json"], { cwd: registry.dir, env: registry.env });
  if (r.code !== 0 || !r.stdout.trim()) return undefined;
  return JSON.parse(r.stdout);
}

/** A repository whose protoship.yaml publishes to `registryUrl`, with everything released at HEAD. */
async function releasedRepo(dir: string, registryUrl: string, files: Record<string, string>, scope = "@shop"): Promise<GitFixture> {
  const repo = await protoRepo(dir, files);
  await repo.write("protoship.yaml", `stubs:\n  scope: "${scope}"\nrelease:\n  registry: ${registryUrl}\n`);
  await repo.commitAll("publish to the test registry");
  const r = await protoship(repo.dir, ["release", "tag", "--no-push"]);
  assert.equal(r.code, 0, r.stderr);
  return repo;
}

describe("publish (real Verdaccio on 127.0.0.1)", { timeout: 1_200_000 }, () => {
  let registry: VerdaccioRegistry;
  let tmp: { dir: string; dispose: () => Promise<void> };
  let n = 0;
  const fresh = (): string => path.join(tmp.dir, `p${++n}`);
  before(async () => {
    [registry, tmp] = await Promise.all([startVerdaccio(), tempDir("protoship-publish-")]);
  });
  after(async () => {
    await Promise.all([registry?.stop(), tmp?.dispose()]);
  });

  it("publishes every release tag at HEAD in dependency order, skips what is there on a re-run, never prints the token", async () => {
    const repo = await releasedRepo(fresh(), registry.url, { [ORDER]: ORDER_WITH_COMMON, [COMMON]: COMMON_V1, [BILLING]: BILLING_V1 });
    const dry = await protoship(repo.dir, ["publish", "--dry-run"], undefined, registry.env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would publish @shop\/common-v1@1\.0\.0 \(\d+ files, \d+ bytes\) to http:\/\/127\.0\.0\.1:\d+\/\n/);
    assert.match(dry.stdout, /^ {2}dist\/esm\/index\.js {2}\d+$/m);
    assert.match(dry.stdout, /^ {2}package\.json {2}\d+$/m);
    assert.equal(await view(registry, "@shop/common-v1@1.0.0"), undefined, "--dry-run publishes nothing");

    // Progress every 1 ms (stderr is a pipe: plain lines): the registry checks, the build, the uploads.
    const r = await protoship(repo.dir, ["publish"], undefined, { ...registry.env, PROTOSHIP_PROGRESS_INTERVAL_MS: "1" });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const order = [...r.stdout.matchAll(/^published (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(order, ["@shop/billing-v1@1.0.0", "@shop/common-v1@1.0.0", "@shop/order-v1@1.0.0"]);
    assert.match(r.stdout, /3 published, 0 already on the registry/);
    assert.match(r.stdout, /^building 3 packages \(@shop\/[^)]*\) at [0-9a-f]{12}$/m, "one short line, however many packages");
    assert.deepEqual(
      r.stdout.split("\n").filter((l) => !/^(building \S.* at [0-9a-f]{12}|published \S+|3 published, 0 already on the registry)$/.test(l)),
      [""],
      "stdout holds the report only, no progress",
    );
    const progress = r.stderr.split("\n").filter(Boolean);
    for (const line of progress) assert.match(line, /^(check registry|build|publish) \d+\/3 (packages|stub packages) · (\d+ min )?\d+ s$/);
    for (const last of ["check registry 3/3 packages", "build 3/3 stub packages", "publish 3/3 packages"])
      assert.ok(
        progress.some((l) => l.startsWith(`${last} · `)),
        `${last} in:\n${r.stderr}`,
      );
    for (const name of ["@shop/billing-v1", "@shop/common-v1", "@shop/order-v1"])
      assert.equal(await view(registry, `${name}@1.0.0`), "1.0.0");
    assert.deepEqual((await view(registry, "@shop/order-v1@1.0.0", "dependencies")) as Record<string, string>, {
      "@bufbuild/protobuf": "^2.14.1",
      "@shop/common-v1": "^1.0.0",
    });
    for (const out of [dry, r]) assert.ok(!(out.stdout + out.stderr).includes(registry.token), "the token is never printed");

    const again = await protoship(repo.dir, ["publish"], undefined, registry.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /0 published, 3 already on the registry/);

    // The next release publishes only the package that changed, depending on the released common.
    await writeProtos(repo, { [ORDER]: ORDER_WITH_COMMON.replace("// An order.", "// An order of goods.") }, "docs");
    assert.equal((await protoship(repo.dir, ["release", "tag", "--no-push"])).code, 0);
    const next = await protoship(repo.dir, ["publish"], undefined, registry.env);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(
      [...next.stdout.matchAll(/^published (\S+)$/gm)].map((m) => m[1]),
      ["@shop/order-v1@1.0.1"],
    );
    assert.deepEqual(await view(registry, "@shop/order-v1", "versions"), ["1.0.0", "1.0.1"]);

    // --tag publishes an older release from its own commit (already there: skipped).
    const byTag = await protoship(repo.dir, ["publish", "--tag", "@shop/billing-v1@1.0.0"], undefined, registry.env);
    assert.equal(byTag.code, 0, byTag.stderr);
    assert.match(byTag.stdout, /^skipped 1 package \(@shop\/billing-v1@1\.0\.0\) already on the registry$/m);
    await repo.git("tag", "v9");
    const bad = await protoship(repo.dir, ["publish", "--tag", "v9"], undefined, registry.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /v9 is not a release tag/);
  });

  it("publishes what git has at the tag: ignored and untracked protos and an uncommitted protoship.yaml never count", async () => {
    const repo = await protoRepo(fresh(), { [ORDER]: ORDER_V1 });
    // A scope of its own: the registry is shared with the other tests of this suite.
    await repo.write("protoship.yaml", `stubs:\n  scope: "@gitonly"\nrelease:\n  registry: ${registry.url}\n`);
    await repo.write(".gitignore", "internal_secret.proto\n");
    await repo.commitAll("publish to the test registry");
    assert.equal((await protoship(repo.dir, ["release", "tag", "--no-push"])).code, 0);
    await repo.write("proto/shop/order/v1/internal_secret.proto", SECRET);
    await repo.write("proto/shop/order/v1/untracked_extra.proto", SECRET.replace("InternalSecret", "UntrackedExtra"));
    const dry = await protoship(repo.dir, ["publish", "--dry-run"], undefined, registry.env);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /would publish @gitonly\/shop-order-v1@1\.0\.0/);
    assert.doesNotMatch(dry.stdout, /internal_secret|untracked_extra/);

    // The working tree's protoship.yaml (another scope, a dead registry) is not what was tagged.
    await repo.write("protoship.yaml", `stubs:\n  scope: "@evil"\nrelease:\n  registry: http://127.0.0.1:9/\n`);
    const r = await protoship(repo.dir, ["publish"], undefined, registry.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      [...r.stdout.matchAll(/^published (\S+)$/gm)].map((m) => m[1]),
      ["@gitonly/shop-order-v1@1.0.0"],
    );
    const tarball = (await view(registry, "@gitonly/shop-order-v1@1.0.0", "dist.tarball")) as string;
    const tgz = path.join(repo.dir, "..", "order.tgz");
    await writeFile(tgz, Buffer.from(await (await fetch(tarball)).arrayBuffer()));
    const listed = await run("tar", ["-tzf", tgz], { cwd: repo.dir });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /package\/dist\//);
    assert.doesNotMatch(listed.stdout, /internal_secret|untracked_extra/);
  });

  it("a tag that does not exist is named as such, with the near matches; exit 2", async () => {
    const repo = await protoRepo(fresh(), { [ORDER]: ORDER_V1 });
    await repo.write("protoship.yaml", `stubs:\n  scope: "@shop"\nrelease:\n  registry: ${registry.url}\n`);
    await repo.commitAll("config");
    assert.equal((await protoship(repo.dir, ["release", "tag", "--no-push"])).code, 0);
    const r = await protoship(repo.dir, ["publish", "--tag", "@shop/order-v1@2.0.0"], undefined, registry.env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /tag @shop\/order-v1@2\.0\.0 does not exist/);
    assert.match(r.stderr, /@shop\/order-v1@1\.0\.0/, "the near match is listed");
    assert.doesNotMatch(r.stderr, /is not a release tag/);
  });

  it("never prints the value of a secret-named variable, even when a registry echoes it without Bearer", async () => {
    const echo = await echoingRegistry();
    try {
      const token = "tok-Zq81x7Lm0pWv3RtY";
      const npmrc = path.join(registry.dir, `npmrc-echo-${echo.port}`);
      await writeFile(npmrc, `//127.0.0.1:${echo.port}/:_authToken=\${NPM_PUBLISH_TOKEN}\n`);
      const repo = await protoRepo(fresh(), { [ORDER]: ORDER_V1 });
      await repo.write("protoship.yaml", `stubs:\n  scope: "@shop"\nrelease:\n  registry: ${echo.url}\n`);
      await repo.commitAll("echoing registry");
      assert.equal((await protoship(repo.dir, ["release", "tag", "--no-push"])).code, 0);
      const env = {
        ...registry.env,
        npm_config_userconfig: npmrc,
        npm_config_registry: echo.url,
        NPM_PUBLISH_TOKEN: token,
        NODE_AUTH_TOKEN: undefined,
      };
      const r = await protoship(repo.dir, ["publish"], undefined, env);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /credential \*\*\* is not allowed here/, "the registry's answer is shown, the token is not");
      assert.ok(!(r.stdout + r.stderr).includes(token), r.stdout + r.stderr);
    } finally {
      await echo.close();
    }
  });

  it("a re-run after a failure mid-way publishes only what is missing", async () => {
    // A proxy in front of the registry rejects the first upload of the second package once.
    let failed = 0;
    const upstream = new URL(registry.url);
    const proxy = http.createServer((req, res) => {
      if (req.method === "PUT" && decodeURIComponent(req.url ?? "").includes("@retry/shop-common-v1") && failed === 0) {
        failed++;
        req.resume();
        res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ error: "simulated outage" }));
        return;
      }
      const fwd = http.request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(fwd);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const proxyUrl = `http://127.0.0.1:${port}/`;
      const npmrc = path.join(registry.dir, `npmrc-proxy-${port}`);
      await writeFile(npmrc, `//127.0.0.1:${port}/:_authToken=\${NODE_AUTH_TOKEN}\n`);
      const env = { ...registry.env, npm_config_userconfig: npmrc, npm_config_registry: proxyUrl };
      const repo = await releasedRepo(
        fresh(),
        proxyUrl,
        { [ORDER]: ORDER_WITH_COMMON, [COMMON]: COMMON_V1, [BILLING]: BILLING_V1 },
        "@retry",
      );

      const first = await protoship(repo.dir, ["publish"], undefined, env);
      assert.equal(first.code, 2, first.stdout + first.stderr);
      assert.match(first.stdout, /^published @retry\/shop-billing-v1@1\.0\.0$/m);
      assert.match(
        first.stderr,
        /publishing @retry\/shop-common-v1@1\.0\.0 failed: .*(simulated outage|403).*; published before it: 1; not attempted: @retry\/shop-order-v1@1\.0\.0/,
      );
      assert.equal(await view(registry, "@retry/shop-common-v1@1.0.0"), undefined);

      const second = await protoship(repo.dir, ["publish"], undefined, env);
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.match(second.stdout, /^skipped 1 package \(@retry\/shop-billing-v1@1\.0\.0\) already on the registry$/m);
      assert.deepEqual(
        [...second.stdout.matchAll(/^published (\S+)$/gm)].map((m) => m[1]),
        ["@retry/shop-common-v1@1.0.0", "@retry/shop-order-v1@1.0.0"],
      );
      assert.match(second.stdout, /2 published, 1 already on the registry/);
      for (const out of [first, second]) assert.ok(!(out.stdout + out.stderr).includes(registry.token));
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("the published mesh stubs, installed from the registry into a fresh project, call the real mesh services", async () => {
    const dir = fresh();
    const repo = await GitFixture.init(path.join(dir, "repo"));
    await repo.addBundledProtos();
    await repo.write("protoship.yaml", `stubs:\n  scope: "@mesh"\nrelease:\n  registry: ${registry.url}\n`);
    await repo.commitAll("mesh APIs");
    assert.equal((await protoship(repo.dir, ["release", "tag", "--no-push"])).code, 0);
    const published = await protoship(repo.dir, ["publish"], undefined, registry.env);
    assert.equal(published.code, 0, published.stdout + published.stderr);
    assert.match(published.stdout, /5 published/);

    // The registry has no uplinks: seed the stubs' one runtime dependency from the local install.
    const protobuf = path.join(dir, "protobuf");
    await cp(await realpath(path.join(REPO_ROOT, "node_modules/@bufbuild/protobuf")), protobuf, { recursive: true });
    const seeded = await run("npm", ["publish", "--ignore-scripts", "--tag", "latest"], { cwd: protobuf, env: registry.env });
    assert.equal(seeded.code, 0, seeded.stderr);

    const app = path.join(dir, "app");
    await mkdir(app);
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const install = await run(
      "npm",
      ["install", "--legacy-peer-deps", "--no-package-lock", "@mesh/probe-v1@1.0.0", "@mesh/grpc-health-v1@1.0.0"],
      { cwd: app, env: registry.env },
    );
    assert.equal(install.code, 0, install.stderr);
    // @grpc/grpc-js is the stubs' peer dependency: the app brings it (here: the monorepo's copy).
    await symlink(
      await realpath(path.join(REPO_ROOT, "node_modules/@grpc/grpc-js")),
      path.join(app, "node_modules/@grpc/grpc-js"),
      "dir",
    ).catch(async () => {
      await mkdir(path.join(app, "node_modules/@grpc"), { recursive: true });
      await symlink(
        await realpath(path.join(REPO_ROOT, "node_modules/@grpc/grpc-js")),
        path.join(app, "node_modules/@grpc/grpc-js"),
        "dir",
      );
    });
    await writeFile(
      path.join(app, "client.mjs"),
      `import { credentials } from "@grpc/grpc-js";
import { HealthClient } from "@mesh/grpc-health-v1";
import { ProbeServiceClient } from "@mesh/probe-v1";
const address = process.argv[2];
const call = (client, method, request) => new Promise((resolve, reject) => client[method](request, (e, r) => (e ? reject(e) : resolve(r))));
const health = await call(new HealthClient(address, credentials.createInsecure()), "check", { service: "mesh.probe.v1.ProbeService" });
const probe = await call(new ProbeServiceClient(address, credentials.createInsecure()), "probe", { target: { service: "api", port: 8080, path: "/healthz" } });
let invalid;
try { await call(new ProbeServiceClient(address, credentials.createInsecure()), "probe", { target: { service: "api", port: 0 } }); } catch (e) { invalid = { code: e.code, details: e.details }; }
console.log(JSON.stringify({ health: health.status, outcome: probe.outcome, from: probe.probedFrom, invalid }));
process.exit(0);
`,
    );
    const installed = JSON.parse(
      await (await import("node:fs/promises")).readFile(path.join(app, "node_modules/@mesh/probe-v1/package.json"), "utf8"),
    ) as { version: string; dependencies: Record<string, string> };
    assert.equal(installed.version, "1.0.0");
    assert.equal(installed.dependencies["@mesh/common-v1"], "^1.0.0");

    const { startMeshServer } = await import("../../mesh-services/src/index.ts");
    const server = await startMeshServer({
      probedFrom: { dataCentre: "dc-test", cluster: "c-test" },
      prober: async () => ({ status: 1, code: 200, latency: undefined, failedHop: 0, detail: "reached through the published stubs" }),
    });
    try {
      const r = await run(process.execPath, ["client.mjs", server.address], { cwd: app });
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout) as {
        health: number;
        outcome: { status: number; code: number; detail: string };
        from: { cluster: string };
        invalid: { code: number; details: string };
      };
      assert.equal(got.health, 1, "SERVING");
      assert.deepEqual([got.outcome.status, got.outcome.code, got.outcome.detail], [1, 200, "reached through the published stubs"]);
      assert.equal(got.from.cluster, "c-test");
      assert.deepEqual(got.invalid, { code: 3, details: "target.port must be 1-65535, got 0" });
    } finally {
      await server.close();
    }
  });
});

describe("redact", () => {
  it("removes the NODE_AUTH_TOKEN value and anything shaped like a token", () => {
    const env = { NODE_AUTH_TOKEN: "s3cr3t-value-123" };
    const text = [
      "auth s3cr3t-value-123 here",
      "//registry.npmjs.org/:_authToken=abcdef123456",
      "Authorization: Bearer abc.def-ghi_jkl",
      "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
      "https://user:pa55word@registry.example.com/",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
    ].join("\n");
    const out = redact(text, env);
    for (const secret of [
      "s3cr3t-value-123",
      "abcdef123456",
      "abc.def-ghi_jkl",
      "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
      "pa55word",
      "eyJhbGciOiJIUzI1NiJ9",
    ]) {
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    }
    assert.match(out, /^auth \*\*\* here$/m);
    assert.match(out, /_authToken=\*\*\*/);
  });

  it("removes the value of every variable whose name looks like a secret, and nothing else", () => {
    const env = {
      NPM_PUBLISH_TOKEN: "tok-aaaa1111",
      db_password: "hunter2hunter2",
      MY_SECRET: "sssh-quiet",
      CUSTOM_AUTH: "basic-xyz-123",
      GIT_AUTHOR_NAME: "protoship test",
      HOME: "/home/someone",
    };
    const out = redact("a tok-aaaa1111 b hunter2hunter2 c sssh-quiet d basic-xyz-123 by protoship test in /home/someone", env);
    assert.equal(out, "a *** b *** c *** d *** by protoship test in /home/someone");
  });
});
