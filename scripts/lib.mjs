// Helpers for the repository's entry-point scripts. Node built-ins only, so they run before
// `pnpm install` has put anything in node_modules.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PNPM = ["-y", "pnpm@12.21.0"];

/** Runs a command inheriting stdio; exits the script with its code on failure. */
export function sh(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", ...options.env },
  });
  if (result.status !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(" ")} exited ${result.status ?? result.signal}`);
    process.exit(result.status || 1);
  }
}

/** pnpm through npx, as on a fresh machine with only Node. */
export function pnpm(args, options) {
  sh("npx", [...PNPM, ...args], options);
}

/** Prints a step header. */
export function step(title) {
  console.log(`\n\x1b[1m▶ ${title}\x1b[0m`);
}
