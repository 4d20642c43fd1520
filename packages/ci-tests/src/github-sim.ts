import { execFile } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Runs git with an argument array; throws with git's stderr on failure. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`git ${args.join(" ")}: ${e.stderr || e.message}`);
  }
}

/**
 * What actions/checkout leaves with `fetch-depth: 0`: a fresh clone of the remote with every
 * branch and tag, at the event's ref — a detached merge commit for a pull request (GitHub's
 * refs/pull/N/merge), the branch itself for a push.
 */
export async function checkout(remote: string, dir: string, ref: { pullMerge: string } | { branch: string }): Promise<string> {
  await git(path.dirname(dir), "clone", "-q", "--no-checkout", remote, dir);
  if ("pullMerge" in ref) {
    await git(dir, "fetch", "-q", "origin", `+${ref.pullMerge}:refs/remotes/pull/merge`);
    await git(dir, "checkout", "-q", "--detach", "refs/remotes/pull/merge");
  } else {
    await git(dir, "checkout", "-q", "-B", ref.branch, `refs/remotes/origin/${ref.branch}`);
  }
  return git(dir, "rev-parse", "HEAD");
}

/**
 * A folder for PATH with the tools a runner has after pnpm/action-setup: `pnpm` is the pinned
 * pnpm through npx, exactly as this repository's scripts run it.
 */
export async function runnerToolsDir(dir: string, pnpmVersion: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const shim = path.join(dir, "pnpm");
  await writeFile(shim, `#!/bin/sh\nexec npx -y pnpm@${pnpmVersion} "$@"\n`);
  await chmod(shim, 0o755);
  return dir;
}

/** A minimal `pull_request` event payload, as GitHub sends it. */
export function pullRequestPayload(options: {
  number: number;
  base: string;
  head: string;
  headSha: string;
  baseSha: string;
  labels: string[];
  action: string;
}): Record<string, unknown> {
  return {
    action: options.action,
    number: options.number,
    pull_request: {
      number: options.number,
      title: "probe: drop WatchProbe; heartbeat: add a field",
      labels: options.labels.map((name) => ({ name })),
      base: { ref: options.base, sha: options.baseSha },
      // A branch of the same repository (not a fork): its token may write, e.g. a comment.
      head: { ref: options.head, sha: options.headSha, repo: { full_name: "mesh/apis" } },
    },
    repository: { full_name: "mesh/apis" },
  };
}
