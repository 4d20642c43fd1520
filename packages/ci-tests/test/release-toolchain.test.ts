import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT, TOOLCHAIN_PACKAGES, pnpmBinary, run, startVerdaccio, type RunResult, type VerdaccioRegistry } from "@protoship/testkit";
import { workflowFiles } from "../src/workflow-files.ts";

interface Manifest {
  name: string;
  version: string;
  license?: string;
  repository?: { directory?: string };
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

/** Every package folder directly under packages/ (the stubs folder holds more folders), by npm name. */
function workspacePackages(): Map<string, { dir: string; manifest: Manifest }> {
  const byName = new Map<string, { dir: string; manifest: Manifest }>();
  for (const entry of readdirSync(path.join(REPO_ROOT, "packages"))) {
    const dir = `packages/${entry}`;
    if (!existsSync(path.join(REPO_ROOT, dir, "package.json"))) continue;
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, "package.json"), "utf8")) as Manifest;
    byName.set(manifest.name, { dir, manifest });
  }
  return byName;
}

/** protoship and the workspace packages it needs at run time (its workspace: dependencies, transitively). */
function runtimeClosure(): string[] {
  const packages = workspacePackages();
  const found = new Set<string>();
  const visit = (name: string): void => {
    if (found.has(name)) return;
    found.add(name);
    const deps = packages.get(name)?.manifest.dependencies ?? {};
    for (const [dep, range] of Object.entries(deps)) {
      if (!range.startsWith("workspace:")) continue;
      assert.ok(packages.has(dep), `${name} depends on ${dep}, which is not a folder under packages/`);
      visit(dep);
    }
  };
  visit("protoship");
  return [...found].sort();
}

/**
 * The release workflow's toolchain job, its publish command run as written against Verdaccio on
 * 127.0.0.1: protoship and every package it needs at run time are published when their version is
 * new, skipped when it is on the registry, with real version ranges and complete metadata. Off
 * GitHub there is no OIDC token to sign with, so the command with --provenance must refuse to
 * publish (provenance is really asked for); the runs that publish drop that one flag.
 */
describe("the release workflow publishes the toolchain", { timeout: 240_000 }, () => {
  let registry: VerdaccioRegistry;
  let pnpm: string;
  let env: NodeJS.ProcessEnv;
  const release = workflowFiles().find((w) => w.file.endsWith("release.yml"))!.doc;
  const command = release.jobs
    .toolchain!.steps!.find((s) => s.run?.startsWith("pnpm publish"))!
    .run!.trim()
    .split(/\s+/);
  const publish = (args: readonly string[]): Promise<RunResult> => run(pnpm, args.slice(1), { cwd: REPO_ROOT, env });
  const versionsOf = async (name: string): Promise<Record<string, Manifest>> => {
    const res = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
    return res.status === 404 ? {} : ((await res.json()) as { versions: Record<string, Manifest> }).versions;
  };

  before(async () => {
    for (const dir of TOOLCHAIN_PACKAGES)
      assert.ok(existsSync(path.join(REPO_ROOT, dir, "dist")), `build ${dir} first (pnpm test does): the packages publish dist/`);
    registry = await startVerdaccio();
    pnpm = await pnpmBinary();
    // Not a CI provider pnpm could ask for a provenance token.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|GITHUB_|GITLAB_|CI$|INIT_CWD$)/i.test(k)));
    Object.assign(env, registry.env);
  });
  after(async () => {
    await registry?.stop();
  });

  it("publishes exactly protoship's run-time closure, the same list the adoption test installs", () => {
    const filters = command.flatMap((arg, i) => (command[i - 1] === "--filter" ? [arg] : [])).sort();
    assert.deepEqual(filters, runtimeClosure());
    const byDir = new Map([...workspacePackages().entries()].map(([name, { dir }]) => [dir, name]));
    assert.deepEqual(TOOLCHAIN_PACKAGES.map((dir) => byDir.get(dir)).sort(), runtimeClosure());
    assert.ok(command.includes("--provenance"));
  });

  it("with --provenance and no CI provider to sign: refused, nothing published", async () => {
    const r = await publish(command);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /PROVENANCE/);
    for (const name of runtimeClosure()) assert.deepEqual(await versionsOf(name), {}, `${name} was published without provenance`);
  });

  it("new versions are published with real ranges and complete metadata; a rerun publishes nothing and succeeds", async () => {
    const unsigned = command.filter((a) => a !== "--provenance");
    const first = await publish(unsigned);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const packages = workspacePackages();
    for (const name of runtimeClosure()) {
      const { dir, manifest } = packages.get(name)!;
      const published = (await versionsOf(name))[manifest.version];
      assert.ok(published, `${name}@${manifest.version} published`);
      assert.doesNotMatch(JSON.stringify(published), /workspace:/, name);
      assert.equal(published.license, "MIT", name);
      assert.equal(published.repository?.directory, dir, name);
      assert.equal(published.engines?.node, ">=20.19.0", name);
      assert.match(first.stdout, new RegExp(`Published package ${name.replace("/", "\\/")}@${manifest.version.replaceAll(".", "\\.")}`));
    }

    const again = await publish(unsigned);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.doesNotMatch(again.stdout, /Published package/);
    for (const name of runtimeClosure()) assert.deepEqual(Object.keys(await versionsOf(name)), [packages.get(name)!.manifest.version]);
  });
});
