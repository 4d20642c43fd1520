/** Progress of a long step, reported on stderr. */
export interface Progress {
  tick(amount?: number): void;
  done(): void;
}

/**
 * Starts reporting `label`'s progress over `total` `unit`s (e.g. "generate", 394, "packages") on
 * stderr: on a TTY one line rewritten in place; elsewhere (CI logs, pipes) a plain line every
 * `intervalMs` (10 s), and one at the end only if one was printed before, so a short run (or a
 * one-line error after it) stays quiet. Nothing is printed for a total of 0.
 */
export function startProgress(
  label: string,
  total: number,
  unit: string,
  options: { stream?: NodeJS.WritableStream & { isTTY?: boolean }; intervalMs?: number } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const interval = options.intervalMs ?? 10_000;
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const started = Date.now();
  let count = 0;
  let last = started;
  let printed = false;
  let finished = false;
  const line = (): string => `${label}: ${count}/${total} ${unit} (${Math.round((Date.now() - started) / 1000)} s)`;
  const print = (final: boolean): void => {
    if (tty) stream.write(`\r\x1b[K${line()}${final ? "\n" : ""}`);
    else stream.write(`${line()}\n`);
    last = Date.now();
    printed = true;
  };
  return {
    tick(amount = 1) {
      if (finished || total === 0) return;
      count = Math.min(total, count + amount);
      if (tty || Date.now() - last >= interval) print(false);
    },
    done() {
      if (finished || total === 0) return;
      finished = true;
      if (tty || printed) print(true);
    },
  };
}
