import { constants } from "node:os";

/** What must be undone when the run is interrupted, newest last. */
const cleanups = new Set<() => void>();

/**
 * Registers `cleanup` to run if protoship is interrupted (SIGINT, SIGTERM, SIGHUP) before the
 * returned function unregisters it. Cleanups run synchronously, newest first, more than once (so they
 * must be idempotent and should not throw): removing a temporary folder, killing a child process.
 *
 * @example
 * const forget = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
 * try { await work(dir); } finally { await rm(dir, { recursive: true, force: true }); forget(); }
 */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** How often the cleanups run on an interrupt, {@link SETTLE_MS} apart: each must be idempotent. */
const CLEANUP_PASSES = 3;
const SETTLE_MS = 50;

/**
 * Makes an interruption end the run cleanly: on SIGINT, SIGTERM or SIGHUP every registered
 * cleanup runs (newest first), one line says what happened, and the process exits with 128 + the
 * signal's number (130 for Ctrl-C), as a shell reports a command a signal ended. Returns a function
 * that removes the handlers again.
 */
export function handleInterrupts(): () => void {
  const handler = (signal: (typeof SIGNALS)[number]): void => {
    // File operations already handed to libuv's threads go on while this runs (a symlink into an
    // overlay, a temporary file's write): the cleanups run again once they have settled.
    const registered = [...cleanups].reverse();
    cleanups.clear();
    for (let pass = 0; pass < CLEANUP_PASSES; pass++) {
      if (pass > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
      for (const cleanup of registered) {
        try {
          cleanup();
        } catch {
          // one cleanup failing must not keep the others from running
        }
      }
    }
    process.stderr.write(`protoship: interrupted (${signal})\n`);
    process.exit(128 + constants.signals[signal]);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
