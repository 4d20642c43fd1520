// Peak memory of a whole process tree: a command and every process it starts (buf, plugin
// workers, …), summed, sampled from /proc. GNU time's %M is one process's own maximum, which
// says nothing about a parent running N workers at once. Linux only (reads /proc).
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** The pids of `pid` and all its descendants, now (threads' children included). */
export function processTree(pid) {
  const seen = new Set();
  const visit = (p) => {
    if (seen.has(p)) return;
    seen.add(p);
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return; // exited
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of children.split(/\s+/).filter(Boolean)) visit(Number(child));
    }
  };
  visit(pid);
  return [...seen];
}

/** Resident memory (VmRSS) of a process in KiB; 0 once it is gone. */
export function rssKb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `cmd args` once and samples the summed RSS of its process tree every `intervalMs`.
 * Resolves { seconds, peakMb, last: { status, stdout, stderr } }; `last` has spawnSync's shape,
 * so timing.mjs's expectExit works on it.
 */
export function measureCommand(cmd, args, { cwd, env, input, intervalMs = 150 } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peakKb = 0;
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const sample = () => {
      const total = processTree(child.pid).reduce((sum, pid) => sum + rssKb(pid), 0);
      if (total > peakKb) peakKb = total;
    };
    const timer = setInterval(sample, intervalMs);
    child.on("spawn", sample);
    child.on("error", (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on("close", (status) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ seconds, times: [seconds], median: seconds, peakMb: Math.round(peakKb / 1024), last: { status, stdout, stderr } });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}
