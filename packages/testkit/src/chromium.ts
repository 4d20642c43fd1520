import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { constants } from "node:fs";
import { promisify } from "node:util";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

const execFileAsync = promisify(execFile);

/** Path of the Debian Chromium binary used by every browser test. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Flags that keep headless Chromium quiet and offline: no background networking, no component
 * updates, no sync. Tests assert that only 127.0.0.1 is contacted, so these matter.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the Chromium executable path, installing Debian's `chromium` with apt-get when it is
 * missing and we run as root. Otherwise fails with a message that says how to fix it.
 */
export async function ensureChromium(): Promise<string> {
  if (await isExecutable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; install it with \`sudo apt-get install -y chromium\` (browser tests need it).`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => execFileAsync("apt-get", ["install", "-y", "chromium"], { env, maxBuffer: 64 << 20 });
  try {
    await install();
  } catch {
    // A fresh container often has no package lists yet; refresh once and retry.
    await execFileAsync("apt-get", ["update"], { env, maxBuffer: 64 << 20 });
    await install();
  }
  if (!(await isExecutable(CHROMIUM_PATH))) {
    throw new Error(`apt-get install chromium finished but ${CHROMIUM_PATH} is still missing.`);
  }
  return CHROMIUM_PATH;
}

/** Launches headless Chromium (installing it first if needed) with the offline flag set. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({
    ...options,
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
