import { EnvironmentError } from "../errors.js";
import { runProcess } from "../process/run-process.js";
import { redact } from "../process/redact.js";

/** What an npm command printed, already redacted. */
export interface NpmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs npm with an argument array (never a shell string); output is redacted before anyone sees it. */
export async function runNpm(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<NpmResult> {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = await runProcess(npm, args, {
    cwd: options.cwd,
    // npm's "new version available" notice is not part of any result protoship reports.
    env: { npm_config_update_notifier: "false", ...options.env },
    what: "npm",
    hint: "install Node.js with npm",
    redact,
    maxBuffer: 64 << 20,
  });
  return { code: r.code, stdout: redact(r.stdout.toString("utf8")), stderr: redact(r.stderr.toString("utf8")) };
}

const registryArgs = (registry: string | undefined): string[] => (registry ? ["--registry", registry] : []);

/**
 * Whether `name@version` is on the registry. A missing package (E404) is "no"; any other failure
 * (network, auth) is an error, so a registry outage never reads as "publish everything again".
 */
export async function isPublished(name: string, version: string, options: { cwd: string; registry: string | undefined }): Promise<boolean> {
  const r = await runNpm(["view", `${name}@${version}`, "version", "--json", ...registryArgs(options.registry)], { cwd: options.cwd });
  if (r.code === 0) return r.stdout.trim().length > 0 && JSON.parse(r.stdout) !== undefined;
  if (/\bE404\b|404 Not Found/.test(r.stdout + r.stderr)) return false;
  throw new EnvironmentError(`npm view ${name}@${version} failed: ${firstError(r)}`, "check the registry URL and your network");
}

/** `npm pack --dry-run`: the files the package would contain. */
export async function packFiles(dir: string): Promise<{ path: string; size: number }[]> {
  const r = await runNpm(["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir });
  if (r.code !== 0) throw new EnvironmentError(`npm pack failed in ${dir}: ${firstError(r)}`);
  const [info] = JSON.parse(r.stdout) as { files: { path: string; size: number }[] }[];
  return (info?.files ?? []).map((f) => ({ path: f.path, size: f.size })).sort((a, b) => a.path.localeCompare(b.path));
}

/** Publishes the package in `dir`; returns npm's (redacted) error text on failure. */
export async function publishPackage(
  dir: string,
  options: { registry: string | undefined; distTag: string; access: string; provenance: boolean },
): Promise<string | undefined> {
  const args = [
    "publish",
    "--ignore-scripts",
    "--access",
    options.access,
    "--tag",
    options.distTag,
    ...registryArgs(options.registry),
    ...(options.provenance ? ["--provenance"] : []),
  ];
  const r = await runNpm(args, { cwd: dir });
  return r.code === 0 ? undefined : firstError(r);
}

function firstError(r: NpmResult): string {
  const lines = `${r.stderr}\n${r.stdout}`
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const err = lines.filter((l) => /npm (error|ERR!)/.test(l) && !/A complete log|npm (error|ERR!)\s*$/.test(l));
  return (err.slice(0, 3).join(" ") || lines[0] || `exit ${r.code}`).replace(/npm (error|ERR!) /g, "");
}
