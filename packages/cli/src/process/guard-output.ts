import { redactor } from "./redact.js";

type Stream = NodeJS.WriteStream;

/** Streams whose write errors are already handled (the handler stays for the life of the process). */
const guarded = new WeakSet<Stream>();

/**
 * Makes the process's standard streams safe to write to while a command runs, and returns what
 * restores their `write`:
 * - everything written passes through {@link redactor} (the single place output leaves the
 *   process), so no message, report or progress line shows a secret: a token in a remote's URL, a
 *   variable whose name says it is one;
 * - a reader that went away (`protoship … 2>&1 | head -1`: EPIPE) ends the writing, not the
 *   process: an `error` event nobody handles would make Node exit 1 instead of the command's code
 *   (2 for a configuration error). Writes after that are dropped. The handler stays installed after
 *   the restore, because the error can arrive after main() returned.
 */
export function guardOutput(
  streams: readonly Stream[] = [process.stdout, process.stderr],
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  const clean = redactor(env);
  const restores = streams.map((stream) => {
    if (!guarded.has(stream)) {
      guarded.add(stream);
      stream.on("error", () => {
        // The reader is gone (EPIPE) or the stream broke: nothing more can be shown on it.
      });
    }
    const write = stream.write;
    const redacted = function (this: Stream, chunk: unknown, ...rest: unknown[]): boolean {
      if (stream.destroyed) return false;
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      return (write as (chunk: string, ...rest: unknown[]) => boolean).call(this, clean(text), ...rest);
    };
    stream.write = redacted as Stream["write"];
    return () => {
      if (stream.write === redacted) stream.write = write;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}
