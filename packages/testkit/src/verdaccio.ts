import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { abandonServer, stopServer } from "./server-process.ts";
import { REPO_ROOT } from "./git-fixture.ts";

/** A private npm registry for one test run: Verdaccio on 127.0.0.1, no uplinks, temp storage. */
export interface VerdaccioRegistry {
  /** Registry URL, e.g. http://127.0.0.1:40331/ */
  url: string;
  /** An auth token of a user allowed to publish. */
  token: string;
  /**
   * Environment for npm: a private user config pointing at the registry whose auth line reads
   * `${NODE_AUTH_TOKEN}` (as actions/setup-node writes it), the token in NODE_AUTH_TOKEN, and a
   * private cache.
   */
  env: Record<string, string>;
  /** Temp folder holding config, storage, cache. */
  dir: string;
  /** Stops the server (by its pid) and removes its folder. */
  stop(): Promise<void>;
}

// Verdaccio 6's CLI refuses Node 20, its library does not: run it through runServer().
const SERVER_SCRIPT = `
const { runServer } = await import("verdaccio");
const app = await runServer(process.argv[1]);
const server = app.listen(0, "127.0.0.1", () => process.stdout.write("listening " + server.address().port + "\\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

/**
 * Starts Verdaccio with no uplinks (nothing reaches the internet), storage in a temp folder,
 * listening on a free port of 127.0.0.1, and creates a user through the registry's adduser API.
 * Any authenticated user may publish any package.
 */
export async function startVerdaccio(): Promise<VerdaccioRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-verdaccio-"));
  const config = path.join(dir, "config.yaml");
  await writeFile(
    config,
    `storage: ${JSON.stringify(path.join(dir, "storage"))}
auth:
  htpasswd:
    file: ${JSON.stringify(path.join(dir, "htpasswd"))}
    max_users: 100
max_body_size: 300mb
uplinks: {}
packages:
  "**":
    access: $all
    publish: $authenticated
    unpublish: $authenticated
log: { type: stdout, format: json, level: error }
`,
  );
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ["--input-type=module", "-e", SERVER_SCRIPT, config], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`verdaccio did not start: ${out}`)), 60_000);
      child!.stdout!.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child!.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
      child!.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`verdaccio exited ${code}: ${out}`));
      });
    });
    const url = `http://127.0.0.1:${port}/`;
    const res = await fetch(`${url}-/user/org.couchdb.user:protoship`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "protoship", password: "protoship-test-password", email: "test@protoship.invalid" }),
    });
    const body = (await res.json()) as { token?: string };
    if (!res.ok || !body.token) throw new Error(`verdaccio adduser failed: ${res.status} ${JSON.stringify(body)}`);
    const npmrc = path.join(dir, "npmrc");
    await writeFile(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=\${NODE_AUTH_TOKEN}\n`);
    const proc = child;
    return {
      url,
      token: body.token,
      dir,
      env: {
        npm_config_userconfig: npmrc,
        NODE_AUTH_TOKEN: body.token,
        npm_config_cache: path.join(dir, "cache"),
        npm_config_registry: url,
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
      },
      stop: () => stopServer(proc, dir),
    };
  } catch (error) {
    await abandonServer(child, dir);
    throw error;
  }
}
