import { spawn, type ChildProcess } from "node:child_process";
import { readdir, mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { abandonServer, stopServer } from "./server-process.ts";

/** A turbo remote cache for one test run: turborepo-remote-cache on 127.0.0.1, artifacts in a temp folder. */
export interface RemoteCacheServer {
  /** Base URL for TURBO_API, e.g. http://127.0.0.1:40331 */
  url: string;
  /** The bearer token the server accepts. */
  token: string;
  /** The team turbo sends (artifacts are stored under `<storage>/<team>/`). */
  team: string;
  /** TURBO_API, TURBO_TOKEN, TURBO_TEAM and TURBO_TELEMETRY_DISABLED for a turbo run using this cache. */
  env: Record<string, string>;
  /** Where the server stores artifacts. */
  storage: string;
  /** The artifact files the server holds, relative to `storage`, sorted. */
  artifacts(): Promise<string[]>;
  /** Stops the server (by its pid) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts turborepo-remote-cache (the npm package turbo's docs point self-hosters to) with local
 * storage in a temp folder, static token auth, listening on a free port of 127.0.0.1 (PORT=0; the
 * port is read from the server's "listening" log line).
 */
export async function startRemoteCache(): Promise<RemoteCacheServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "protoship-remote-cache-"));
  const storage = path.join(dir, "storage");
  const token = "protoship-test-turbo-token";
  const team = "team_protoship";
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve("turborepo-remote-cache/package.json")), "dist/cli.js");
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [cli], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: "0",
        LOG_LEVEL: "info",
        ENABLE_STATUS_LOG: "false",
        STORAGE_PROVIDER: "local",
        STORAGE_PATH: storage,
        STORAGE_PATH_USE_TMP_FOLDER: "false",
        AUTH_MODE: "static",
        TURBO_TOKEN: token,
      },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`turborepo-remote-cache did not start: ${out}`)), 60_000);
      const onData = (d: string) => {
        out += d;
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child!.stdout!.setEncoding("utf8").on("data", onData);
      child!.stderr!.setEncoding("utf8").on("data", onData);
      child!.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`turborepo-remote-cache exited ${code}: ${out}`));
      });
    });
    const proc = child;
    return {
      url,
      token,
      team,
      storage,
      env: { TURBO_API: url, TURBO_TOKEN: token, TURBO_TEAM: team, TURBO_TELEMETRY_DISABLED: "1" },
      artifacts: async () => {
        const files = await readdir(storage, { recursive: true, withFileTypes: true }).catch(() => []);
        return files
          .filter((f) => f.isFile())
          .map((f) => path.relative(storage, path.join(f.parentPath, f.name)))
          .sort();
      },
      stop: () => stopServer(proc, dir),
    };
  } catch (error) {
    await abandonServer(child, dir);
    throw error;
  }
}
