// The whole test suite: install, build everything, type-check sources and tests, then run every package's tests with node's
// test runner (TypeScript through tsx). `.ci/run` runs exactly this.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT, pnpm, sh, step } from "./lib.mjs";

step("install (pnpm, frozen lockfile)");
pnpm(["install", "--frozen-lockfile"]);
step("format and lint (biome)");
sh(path.join(ROOT, "node_modules/.bin/biome"), ["ci", "--error-on-warnings", "."]);
step("build");
pnpm(["exec", "turbo", "run", "build", "--output-logs=errors-only"]);
// tsx runs the tests without checking their types: every package's sources and tests are
// type-checked here (each package's tsconfig.test.json, or ci-tests' tsconfig.json).
step("type-check sources and tests");
pnpm(["exec", "turbo", "run", "typecheck", "--output-logs=errors-only"]);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith(".test.ts")) files.push(path.relative(ROOT, full));
  }
};
for (const pkg of readdirSync(path.join(ROOT, "packages"))) {
  const testDir = path.join(ROOT, "packages", pkg, "test");
  try {
    if (statSync(testDir).isDirectory()) walk(testDir);
  } catch {}
}
files.sort();
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
step(`test (${selected.length} files)`);
sh(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...selected]);
