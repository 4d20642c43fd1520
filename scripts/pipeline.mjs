// The main job, end to end on protos/: install, build, gate, stubs, docs, release plan.
// Each step is a protoship or pnpm command that also runs on its own; this file only orders them.
import path from "node:path";
import { ROOT, pnpm, sh, step } from "./lib.mjs";

const protoship = (...args) => sh(process.execPath, [path.join(ROOT, "packages/cli/bin/protoship.js"), ...args]);

step("install (pnpm, frozen lockfile)");
pnpm(["install", "--frozen-lockfile"]);
step("build the toolchain");
pnpm(["exec", "turbo", "run", "build", "--filter=protoship...", "--output-logs=errors-only"]);
step("protoship check: format, lint and breaking on what changed");
protoship("check");
step("protoship generate: TypeScript stub packages");
protoship("generate");
step("build and test the stub packages and the services (turbo, cached)");
pnpm(["exec", "turbo", "run", "build", "--output-logs=errors-only"]);
step("protoship docs: the documentation site");
protoship("docs");
step("protoship release plan: what merging this would release");
protoship("release", "plan");
console.log("\n✔ pipeline done: stubs in packages/stubs/, docs in site/ (open site/index.html)");
