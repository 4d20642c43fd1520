import { readdir, readFile, mkdir, symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { PROTOSHIP_BIN, REPO_ROOT } from "./git-fixture.ts";

/** What a stub package builds with, plus turbo: linked from this monorepo's install. */
const TOOLCHAIN = ["typescript", "@types/node", "@grpc/grpc-js", "@bufbuild/protobuf", "turbo"] as const;

/**
 * Makes an adopter repository a turbo workspace of its stub packages, as `npm install` would after
 * `protoship init` (without a registry): `node_modules` holds the stub toolchain and turbo linked
 * from this monorepo's install, `.bin/{tsc,turbo,protoship}`, and each stub package under `stubsDir`
 * linked by its npm name (npm's workspace links). Also writes the root `turbo.json` an adopter adds
 * (the stub packages' own turbo.json extends it) and `packageManager`, which turbo requires.
 * node_modules is git-ignored by init, so a fresh clone runs this again.
 */
export async function linkStubWorkspace(repoDir: string, stubsDir = "packages/stubs"): Promise<void> {
  const modules = path.join(repoDir, "node_modules");
  const bin = path.join(modules, ".bin");
  await mkdir(bin, { recursive: true });
  for (const name of TOOLCHAIN) await linkOnce(path.join(REPO_ROOT, "node_modules", name), path.join(modules, name));
  await linkOnce(path.join(modules, "typescript/bin/tsc"), path.join(bin, "tsc"));
  await linkOnce(path.join(REPO_ROOT, "node_modules/.bin/turbo"), path.join(bin, "turbo"));
  await linkOnce(PROTOSHIP_BIN, path.join(bin, "protoship"));
  const stubs = path.join(repoDir, stubsDir);
  for (const entry of await readdir(stubs, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const manifest = JSON.parse(await readFile(path.join(stubs, entry.name, "package.json"), "utf8")) as { name: string };
    await linkOnce(path.join(stubs, entry.name), path.join(modules, ...manifest.name.split("/")));
  }
}

/** The root files a turbo workspace of stub packages needs: `turbo.json` and `packageManager` in package.json. */
export async function writeTurboRoot(repoDir: string): Promise<void> {
  const turbo = {
    $schema: "https://turbo.build/schema.json",
    tasks: {
      generate: { outputs: [] },
      build: { dependsOn: ["^build"], outputs: ["dist/**"] },
      test: { dependsOn: ["build"], outputs: [] },
    },
  };
  await writeFile(path.join(repoDir, "turbo.json"), `${JSON.stringify(turbo, null, 2)}\n`);
  const file = path.join(repoDir, "package.json");
  const pkg = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  pkg.packageManager = `npm@${execFileSync("npm", ["--version"], { encoding: "utf8" }).trim()}`;
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

async function linkOnce(target: string, at: string): Promise<void> {
  await mkdir(path.dirname(at), { recursive: true });
  await symlink(target, at).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
}
