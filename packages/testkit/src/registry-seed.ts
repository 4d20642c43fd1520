import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import semver from "semver";
import type { VerdaccioRegistry } from "./verdaccio.ts";

const execFileAsync = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** What {@link seedFromInstalled} put into the registry. */
export interface SeedResult {
  /** `name@version` of every package published. */
  published: string[];
  /** Sum of the tarball sizes. */
  bytes: number;
}

/**
 * Fills a Verdaccio registry (which has no uplinks) with the packages already installed on this
 * machine, so `npm install` and `pnpm add` in a test resolve everything from 127.0.0.1: starting from
 * the given package folders, it walks their dependencies (also optional and peer ones, when
 * installed) through node_modules as Node resolves them, packs each installed folder as it is, and
 * publishes it through the registry's HTTP API. An optional dependency not installed here, at an
 * exact version (another OS's buf binary), is published as a stand-in that says it is not for this
 * OS (`os: ["!linux"]`, no files): npm then records it in a lock file, as it does against npmjs,
 * and never installs it here. Without it, a lock written here lacks those entries and `npm ci` of
 * it fails ("package.json and package-lock.json are not in sync").
 *
 * `skip` names packages the caller publishes itself (e.g. the toolchain's own tarballs): their
 * dependencies are walked, they are not published.
 */
export async function seedFromInstalled(
  registry: VerdaccioRegistry,
  roots: readonly string[],
  skip: (name: string) => boolean,
): Promise<SeedResult> {
  const found = new Map<string, { dir: string; manifest: Manifest }>();
  const absent = new Map<string, Manifest>();
  const seen = new Set<string>();
  const queue = roots.map((r) => realpathSync(r));
  while (queue.length > 0) {
    const dir = queue.pop()!;
    const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as Manifest;
    const key = `${manifest.name}@${manifest.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!skip(manifest.name)) found.set(key, { dir, manifest });
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = [...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
    for (const [names, mustExist] of [
      [required, true],
      [optional, false],
    ] as const) {
      for (const name of names) {
        const at = resolveInstalled(name, dir);
        const version = semver.valid(manifest.optionalDependencies?.[name] ?? "");
        if (at) queue.push(at);
        else if (mustExist) throw new Error(`${name} (a dependency of ${key}) is not installed here`);
        else if (version) absent.set(`${name}@${version}`, standIn(name, version));
      }
    }
  }

  const work = await mkdtemp(path.join(os.tmpdir(), "protoship-seed-"));
  const cache = path.join(os.tmpdir(), "protoship-seed-cache");
  await mkdir(cache, { recursive: true });
  try {
    // Versions of one name go up in order (the last one published becomes `latest`); names in parallel.
    const byName = new Map<string, { dir: string; manifest: Manifest }[]>();
    for (const entry of found.values()) byName.set(entry.manifest.name, [...(byName.get(entry.manifest.name) ?? []), entry]);
    let bytes = 0;
    const names = [...byName.keys()];
    const worker = async (): Promise<void> => {
      for (let name = names.pop(); name !== undefined; name = names.pop()) {
        const entries = byName.get(name)!.sort((a, b) => semver.compare(a.manifest.version, b.manifest.version));
        for (const { dir, manifest } of entries) {
          // A name@version never changes: packed once per machine, reused by later runs.
          const tarball = path.join(cache, `${manifest.name.replace("/", "+")}-${manifest.version}.tgz`);
          if (!existsSync(tarball)) {
            const tmp = path.join(work, path.basename(tarball));
            await packFolder(dir, tmp);
            await rename(tmp, tarball);
          }
          const size = await publishTarball(registry, manifest, await readFile(tarball));
          bytes += size;
        }
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));
    for (const key of found.keys()) absent.delete(key);
    for (const manifest of absent.values()) {
      const dir = path.join(work, `stand-in-${manifest.name.replace("/", "+")}`);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      const tarball = `${dir}.tgz`;
      await packFolder(dir, tarball);
      bytes += await publishTarball(registry, manifest, await readFile(tarball));
    }
    return { published: [...found.keys(), ...absent.keys()].sort(), bytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Publishes one tarball with its manifest, as `npm publish` does (a PUT of the packument). */
export async function publishTarball(registry: VerdaccioRegistry, manifest: Manifest, data: Buffer): Promise<number> {
  const file = `${manifest.name.split("/").pop()}-${manifest.version}.tgz`;
  const integrity = `sha512-${createHash("sha512").update(data).digest("base64")}`;
  const shasum = createHash("sha1").update(data).digest("hex");
  const body = {
    _id: manifest.name,
    name: manifest.name,
    "dist-tags": { latest: manifest.version },
    versions: {
      [manifest.version]: {
        ...manifest,
        _id: `${manifest.name}@${manifest.version}`,
        dist: { integrity, shasum, tarball: `${registry.url}${manifest.name}/-/${file}` },
      },
    },
    _attachments: { [file]: { content_type: "application/octet-stream", data: data.toString("base64"), length: data.length } },
  };
  let res: Response;
  try {
    res = await fetch(`${registry.url}${manifest.name.replace("/", "%2f")}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${registry.token}` },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(`publishing ${manifest.name}@${manifest.version} to verdaccio: ${String((error as Error).cause ?? error)}`);
  }
  if (!res.ok) throw new Error(`publishing ${manifest.name}@${manifest.version} to verdaccio: ${res.status} ${await res.text()}`);
  return data.length;
}

/**
 * Packs a package folder as it is into an npm tarball (its files under `package/`, without its
 * node_modules). Installed folders hold what was published (pnpm hard-links them: store real
 * files); gzip -1 keeps packing cheap.
 */
async function packFolder(dir: string, tarball: string): Promise<void> {
  await execFileAsync("tar", [
    "-c",
    "--use-compress-program=gzip -1",
    "-f",
    tarball,
    "--exclude=./node_modules",
    "--hard-dereference",
    "--transform=s,^\\.,package,",
    "-C",
    dir,
    ".",
  ]);
}

/** The manifest of a stand-in for a platform package of another OS: no files, never installed here. */
function standIn(name: string, version: string): Manifest {
  return { name, version, os: [`!${process.platform}`], description: "test registry stand-in for a platform package of another OS" };
}

/** Where Node would find package `name` from folder `from` (following pnpm's symlinks), or undefined. */
function resolveInstalled(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", ...name.split("/"));
    if (existsSync(path.join(candidate, "package.json"))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}
