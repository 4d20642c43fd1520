import { ConfigError } from "../errors.js";
import { envFlag } from "./env-flag.js";

/** A running progress report: `tick` per unit of work done, `done` once at the end (also on errors: call it in `finally`). */
export interface Progress {
  tick(amount?: number): void;
  done(): void;
}

/** Environment variable: the period of the plain progress lines off a terminal, in milliseconds. */
export const PROGRESS_INTERVAL_ENV = "PROTOSHIP_PROGRESS_INTERVAL_MS";
/** Period of the plain progress lines off a terminal (CI logs), unless {@link PROGRESS_INTERVAL_ENV} says otherwise. */
const DEFAULT_INTERVAL_MS = 10_000;
/** On a terminal: the line is redrawn on a tick at most this often, and every second for the elapsed time. */
const REDRAW_MS = 100;
const CLOCK_MS = 1_000;
/** Carriage return + erase the whole line (ANSI EL2): the cursor ends at the start of an empty line. */
const ERASE_LINE = "\r\u001b[2K";

/**
 * Reports progress of a long loop as `<label> <done>/<total> <unit> · <elapsed>`, e.g.
 * `generate 120/394 packages · 45 s`, on stderr (never stdout: commands' stdout is parsed by scripts).
 *
 * - On a terminal (`stream.isTTY`, and `CI` unset, empty, `0` or `false`): one line rewritten in place,
 *   on a tick at most every 100 ms and every second for the clock; `done()` erases it, so what is
 *   printed next starts on a clean line. Nothing is drawn before the first tick or second.
 * - Otherwise (a pipe, a file, a CI log): a plain line every `intervalMs` (default: the
 *   `PROTOSHIP_PROGRESS_INTERVAL_MS` variable, else 10 s) while the loop runs. A run shorter than
 *   that prints nothing; one that printed at least one line ends with a last line at `done()`, so the
 *   log shows how far it got and how long it took.
 *
 * Plain text only (no colours, so NO_COLOR has nothing to turn off). The timer is unref'd (it never
 * keeps the process alive) and cleared by `done()`; `tick` and `done` after `done` do nothing.
 * A `total` of 0 reports nothing. Throws a ConfigError (exit 2) for a malformed
 * `PROTOSHIP_PROGRESS_INTERVAL_MS`, before anything is written.
 */
export function startProgress(
  label: string,
  total: number,
  unit: string,
  options: { stream?: NodeJS.WritableStream & { isTTY?: boolean }; intervalMs?: number } = {},
): Progress {
  const intervalMs = options.intervalMs ?? intervalFromEnv() ?? DEFAULT_INTERVAL_MS;
  if (total <= 0) return { tick() {}, done() {} };
  const stream = options.stream ?? process.stderr;
  const live = stream.isTTY === true && !envFlag("CI");
  const started = Date.now();
  let count = 0;
  let lastDraw = started;
  let drawn = false;
  let finished = false;

  const text = (): string => `${label} ${Math.min(count, total)}/${total} ${unit} · ${elapsed(Date.now() - started)}`;
  const draw = (): void => {
    lastDraw = Date.now();
    drawn = true;
    stream.write(live ? `${ERASE_LINE}${fit(text(), stream)}` : `${text()}\n`);
  };
  const erase = (): void => {
    if (drawn) stream.write(ERASE_LINE);
    drawn = false;
  };
  const timer = setInterval(draw, live ? CLOCK_MS : intervalMs);
  timer.unref();
  if (live) liveLines.add(erase);

  return {
    tick(amount = 1) {
      if (finished) return;
      count += amount;
      if (live && Date.now() - lastDraw >= REDRAW_MS) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (live) {
        liveLines.delete(erase);
        erase();
      } else if (drawn) {
        draw();
      }
    },
  };
}

/** Erasers of the progress lines drawn on a terminal now. */
const liveLines = new Set<() => void>();

/**
 * Erases the progress line on the terminal, if one is drawn, so a line printed now (a command's own
 * output on stdout, which shares the terminal) starts at column 0 instead of inside it; the next
 * tick or second draws it again below. Does nothing off a terminal.
 */
export function eraseProgress(): void {
  for (const erase of liveLines) erase();
}

/** `45 s`, `1 min 28 s`. */
function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** The line cut to the terminal's width: a wrapped line could not be erased in place. */
function fit(line: string, stream: object): string {
  const columns = (stream as { columns?: unknown }).columns;
  return typeof columns === "number" && columns > 1 && line.length >= columns ? `${line.slice(0, columns - 2)}…` : line;
}

function intervalFromEnv(): number | undefined {
  const value = process.env[PROGRESS_INTERVAL_ENV];
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ConfigError(`${PROGRESS_INTERVAL_ENV}: expected a whole number of milliseconds ≥ 1, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
