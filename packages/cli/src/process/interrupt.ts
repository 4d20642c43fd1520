import { constants } from "node:os";

/** What must be undone when the run is interrupted, newest last. */
const cleanups = new Set<() => void>();

/**
 * Registers `cleanup` to run if protoship is interrupted (SIGINT, SIGTERM, SIGHUP) before the
 * returned function unregisters it. Cleanups run synchronously, newest first, and must not throw:
 * removing a temporary folder, killing a child process.
 *
 * @example
 * const forget = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
 * try { await work(dir); } finally { forget(); await rm(dir, { recursive: true, force: true }); }
 */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Makes an interruption end the run cleanly: on SIGINT, SIGTERM or SIGHUP every registered
 * cleanup runs (newest first), one line says what happened, and the process exits with 128 + the
 * signal's number (130 for Ctrl-C), as a shell reports a command a signal ended. Returns a function
 * that removes the handlers again.
 */
export function handleInterrupts(): () => void {
  const handler = (signal: (typeof SIGNALS)[number]): void => {
    for (const cleanup of [...cleanups].reverse()) {
      try {
        cleanup();
      } catch {
        // one cleanup failing must not keep the others from running
      }
    }
    cleanups.clear();
    process.stderr.write(`protoship: interrupted (${signal})\n`);
    process.exit(128 + constants.signals[signal]);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
