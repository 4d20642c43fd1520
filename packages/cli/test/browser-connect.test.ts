import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import type { GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { launchChromium } from "@protoship/testkit";
import { build } from "esbuild";
import { generateStubs } from "../src/commands/generate.js";

/** The parts of the generated mesh.probe.v1 service this test serves (its package is generated at run time). */
type ProbeMethods = {
  probe: {
    methodKind: "unary";
    input: GenMessage<Message<"mesh.probe.v1.ProbeRequest"> & { target?: { service: string; port: number } }>;
    output: DescMessage;
  };
  watchProbe: {
    methodKind: "server_streaming";
    input: GenMessage<Message<"mesh.probe.v1.WatchProbeRequest"> & { count: number }>;
    output: DescMessage;
  };
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** What the page runs: a Connect-protocol client (@connectrpc/connect-web) of the protobuf-es package, bundled by esbuild. */
const PAGE_SCRIPT = `
import { createClient, ConnectError } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ProbeService } from "@es/mesh-probe-v1";

const client = createClient(ProbeService, createConnectTransport({ baseUrl: location.origin }));
const result = {};
try {
  const response = await client.probe({ target: { service: "payments", port: 443 } }, { timeoutMs: 10_000 });
  result.probe = [response.outcome.status, response.outcome.detail];
  result.stream = [];
  for await (const update of client.watchProbe({ target: { service: "web" }, count: 3 })) result.stream.push(String(update.sequence));
  try {
    await client.probe({ target: { service: "fail" } });
  } catch (error) {
    result.error = error instanceof ConnectError ? [error.code, error.rawMessage] : String(error);
  }
} catch (error) {
  result.failed = String(error);
}
window.result = result;
`;

describe("browser: a protobuf-es stub package with @connectrpc/connect-web in Chromium", { timeout: 240_000 }, () => {
  const temps: string[] = [];
  after(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  test("a page calls a connect-node server on 127.0.0.1 over the Connect protocol: unary, server-streaming and a status error", async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), "protoship-browser-"));
    temps.push(work);
    const repo = path.join(work, "repo");
    await mkdir(repo);
    await cp(path.join(ROOT, "protos"), path.join(repo, "protos"), { recursive: true });
    await cp(path.join(ROOT, "buf.yaml"), path.join(repo, "buf.yaml"));
    await writeFile(path.join(repo, "protoship.yaml"), 'stubs:\n  scope: "@es"\n  generator: protobuf-es\n');
    await generateStubs({ cwd: repo });
    // The generated packages as installed; @connectrpc/* and @bufbuild/protobuf from protoship's own devDependencies.
    await mkdir(path.join(work, "node_modules/@es"), { recursive: true });
    await mkdir(path.join(work, "node_modules/@bufbuild"), { recursive: true });
    await symlink(path.join(ROOT, "packages/cli/node_modules/@bufbuild/protobuf"), path.join(work, "node_modules/@bufbuild/protobuf"));
    for (const name of ["mesh-common-v1", "mesh-probe-v1"])
      await symlink(path.join(repo, "packages/stubs", name), path.join(work, "node_modules/@es", name));
    await writeFile(path.join(work, "page.mjs"), PAGE_SCRIPT);
    const bundle = await build({
      entryPoints: [path.join(work, "page.mjs")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      nodePaths: [path.join(ROOT, "packages/cli/node_modules")],
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]!.text;

    // The server: the same protobuf-es package, in this process; the page and its script from the same origin.
    const { ProbeService, ProbeResponseSchema } = (await import(path.join(repo, "packages/stubs/mesh-probe-v1/esm/index.js"))) as {
      ProbeService: GenService<ProbeMethods>;
      ProbeResponseSchema: DescMessage;
    };
    const handler = connectNodeAdapter({
      routes(router) {
        router.service(ProbeService, {
          async probe(request) {
            if (request.target?.service === "fail") throw new ConnectError("no target fail", Code.NotFound);
            return create(ProbeResponseSchema, {
              outcome: { status: 1, detail: `probed ${request.target?.service}:${request.target?.port}` },
            });
          },
          async *watchProbe(request) {
            for (let i = 1; i <= request.count; i++) yield { sequence: BigInt(i) };
          },
        });
      },
      fallback(req, res) {
        if (req.url === "/") {
          res.writeHead(200, { "content-type": "text/html" });
          res.end('<!doctype html><title>connect-web</title><script type="module" src="/page.js"></script>');
        } else if (req.url === "/page.js") {
          res.writeHead(200, { "content-type": "text/javascript" });
          res.end(script);
        } else {
          res.writeHead(404);
          res.end();
        }
      },
    });
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const hosts = new Set<string>();
      page.on("request", (request) => hosts.add(new URL(request.url()).host));
      await page.goto(origin);
      await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
      const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
      assert.deepEqual(result, {
        probe: [1, "probed payments:443"],
        stream: ["1", "2", "3"],
        error: [5, "no target fail"],
      });
      assert.deepEqual([...hosts], [new URL(origin).host], "the page reached 127.0.0.1 only");
    } finally {
      await browser.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
