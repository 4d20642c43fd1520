/**
 * The formatter process protoship runs for the files ts-proto's plugin processes leave unformatted
 * (deferred-format.ts): reads `{ options, texts }` as JSON on stdin, formats each text with the
 * dprint-node ts-poet loads and the options ts-poet passes it, and writes the results, in order, as
 * a JSON array on stdout: a text's formatted code, or null when dprint refuses it.
 *
 * Its own process because dprint-node keeps about 50 bytes of native memory for every byte it
 * formats and never returns them: a process that formats a bounded share and exits gives them back.
 *
 * A program, not a module: importing it starts it.
 */
import { createRequire } from "node:module";
import { text } from "node:stream/consumers";

type Format = (fileName: string, text: string, options?: Record<string, unknown>) => string;

const fromTsProto = createRequire(createRequire(import.meta.url).resolve("ts-proto/package.json"));
const dprint = createRequire(fromTsProto.resolve("ts-poet"))("dprint-node") as { format: Format };

const input = JSON.parse(await text(process.stdin)) as { options: Record<string, unknown>; texts: string[] };
const formatted = input.texts.map((t) => {
  try {
    return dprint.format("file.ts", t, input.options);
  } catch {
    return null;
  }
});
process.stdout.write(JSON.stringify(formatted));
