import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, cleanEnv } from "./git-fixture.ts";
import { publishTarball, seedFromInstalled, type SeedResult } from "./registry-seed.ts";
import type { VerdaccioRegistry } from "./verdaccio.ts";

const execFileAsync = promisify(execFile);

/** The packages `npm i -D protoship` installs from this repository, by folder. */
export const TOOLCHAIN_PACKAGES = [
  "packages/cli",
  "packages/docs-site",
  "packages/protoc-gen-doc",
  "packages/fs-safe",
  "packages/doc-text",
] as const;
/** What `protoship init` adds to a repository's devDependencies (the stub toolchain), found here. */
const STUB_TOOLCHAIN = ["typescript", "@types/node", "@grpc/grpc-js", "@bufbuild/protobuf"] as const;
const PNPM_VERSION = "12.21.0";

/** What {@link publishToolchain} published. */
export interface PublishedToolchain {
  /** The toolchain's manifests as packed (workspace: ranges rewritten by pnpm pack). */
  manifests: Record<string, unknown>[];
  /** The third-party packages seeded from this machine's install. */
  seeded: SeedResult;
}

/**
 * Makes a Verdaccio registry hold what a new team installs: the toolchain packed by `pnpm pack` (as
 * the release workflow publishes it; built dist/ must exist) and every third-party package they
 * and the stub toolchain need, taken from this repository's install (see seedFromInstalled), so
 * installs from it never leave 127.0.0.1.
 */
export async function publishToolchain(registry: VerdaccioRegistry): Promise<PublishedToolchain> {
  const packs = await mkdtemp(path.join(os.tmpdir(), "protoship-packs-"));
  try {
    const pnpm = await pnpmBinary();
    const manifests: Record<string, unknown>[] = [];
    for (const dir of TOOLCHAIN_PACKAGES) {
      await execFileAsync(pnpm, ["pack", "--pack-destination", packs], { cwd: path.join(REPO_ROOT, dir), env: cleanEnv() });
    }
    for (const file of (await readdir(packs)).filter((f) => f.endsWith(".tgz"))) {
      const tarball = path.join(packs, file);
      const { stdout } = await execFileAsync("tar", ["-xzOf", tarball, "package/package.json"]);
      const manifest = JSON.parse(stdout) as { name: string; version: string };
      await publishTarball(registry, manifest, await readFile(tarball));
      manifests.push(manifest);
    }
    const own = new Set(manifests.map((m) => (m as { name: string }).name));
    const roots = [
      ...TOOLCHAIN_PACKAGES.map((d) => path.join(REPO_ROOT, d)),
      ...STUB_TOOLCHAIN.map((n) => path.join(REPO_ROOT, "node_modules", n)),
    ];
    const seeded = await seedFromInstalled(registry, roots, (name) => own.has(name));
    return { manifests, seeded };
  } finally {
    await rm(packs, { recursive: true, force: true });
  }
}

/**
 * The pnpm this repository pins, as `npx -y pnpm@<version>` installed it (its native binary in
 * npm's npx cache), so tests run it directly: no registry lookup, no seconds per call.
 */
export async function pnpmBinary(): Promise<string> {
  const find = async (): Promise<string | undefined> => {
    const npx = path.join(os.homedir(), ".npm", "_npx");
    for (const entry of existsSync(npx) ? await readdir(npx) : []) {
      const dir = path.join(npx, entry, "node_modules", "pnpm");
      try {
        const { version } = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { version: string };
        if (version === PNPM_VERSION && existsSync(path.join(dir, "pnpm"))) return path.join(dir, "pnpm");
      } catch {
        // not a pnpm install
      }
    }
    return undefined;
  };
  const found = await find();
  if (found) return found;
  await execFileAsync("npx", ["-y", `pnpm@${PNPM_VERSION}`, "--version"], { cwd: REPO_ROOT, env: cleanEnv() });
  const installed = await find();
  if (!installed) throw new Error(`pnpm ${PNPM_VERSION} not found in npm's npx cache`);
  return installed;
}
