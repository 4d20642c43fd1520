/**
 * The plugin process protoship runs for each batch (see runTsProto): ts-proto's own
 * protoc-gen-ts_proto, reading a CodeGeneratorRequest on stdin and writing the response on stdout,
 * with three changes to the libraries it generates with, none changing what a file's code is:
 *
 * - the formatter ts-poet calls for each generated file (dprint-node's `format`) formats it a group
 *   of statements at a time ({@link formatInParts}): the same bytes, without the formatter's memory
 *   for a whole 18 MB file;
 * - each file starts from the same import names: ts-poet renames an import that collides with a
 *   name the file defines (`Metadata as Metadata1` in a file with a `Metadata` message) by changing
 *   the import object, and ts-proto shares some import objects between files (the gRPC ones), so
 *   every later file in the process kept the alias. A file's code then depended on which files one
 *   process had generated before it; here it is the file's own, however packages are batched or
 *   sharded;
 * - ts-proto's SourceInfo.open, which looks up the comments of each message, field and enum, indexes a
 *   file's locations once ({@link childLocations}) instead of going through all of them on every call.
 *
 * And one change to what it writes: each file (the code ts-proto's plugin renders with its `path`)
 * is left unformatted, and the options ts-poet would have formatted it with go in the response's
 * {@link DEFERRED_FORMAT} entry, with the files' names: protoship formats them in processes of
 * their own (deferred-format.ts), the same bytes, since dprint-node never returns the memory it
 * formats with. A file whose options differ from the first file's is formatted here, as before.
 *
 * A program, not a module: importing it starts the plugin.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { CodeGeneratorResponseSchema } from "@bufbuild/protobuf/wkt";
import { createRequire } from "node:module";
import { DEFERRED_FORMAT } from "./deferred-format-entry.js";
import { formatInParts } from "./format-in-parts.js";
import { childLocations } from "./source-info-index.js";

type Format = (fileName: string, text: string, options?: Record<string, unknown>) => string;
interface Import {
  symbol: string;
  sourceSymbol: string | undefined;
}
interface CodePrototype {
  toString(this: unknown, options?: unknown): string;
  deepFindAll(this: unknown, ...args: unknown[]): [unknown[], unknown[], unknown[]];
}

const fromTsProto = createRequire(createRequire(import.meta.url).resolve("ts-proto/package.json"));
const fromTsPoet = createRequire(fromTsProto.resolve("ts-poet"));

const dprint = fromTsPoet("dprint-node") as { format: Format };
const format = dprint.format.bind(dprint);
dprint.format = (fileName, text, options) => formatInParts(text, (part) => format(fileName, part, options));

// ts-proto's SourceInfo.open scanned all of a file's locations on each call: each SourceInfo indexes them once (source-info-index.ts).
interface SourceInfo {
  sourceCode: Record<string, unknown>;
  lookup(type: number, index?: number): unknown;
  open(type: number, index: number): SourceInfo;
}
const SourceInfo = (
  fromTsProto("./build/src/sourceInfo") as {
    default: { prototype: SourceInfo } & (new (map: Record<string, unknown>, self: unknown) => SourceInfo);
  }
).default;
const below = new WeakMap<SourceInfo, ReturnType<typeof childLocations>>();
SourceInfo.prototype.open = function (type, index) {
  let locations = below.get(this);
  if (!locations) below.set(this, (locations = childLocations(this.sourceCode)));
  return new SourceInfo(locations(type, index), this.lookup(type, index));
};

const code = (fromTsPoet("./Code") as { Code: { prototype: CodePrototype } }).Code.prototype;
const { toString: render, deepFindAll } = code;
/** The imports a file's rendering met, with their names before it renamed any; undefined between files. */
let met: Map<Import, Import> | undefined;
code.deepFindAll = function (...args) {
  const found = deepFindAll.apply(this, args);
  for (const i of found[1] as Import[]) if (met && !met.has(i)) met.set(i, { symbol: i.symbol, sourceSymbol: i.sourceSymbol });
  return found;
};
code.toString = function (options) {
  if (met) return render.call(this, options);
  met = new Map();
  try {
    const path = (options as { path?: unknown } | undefined)?.path;
    return typeof path === "string" ? renderUnformatted(this, options as Record<string, unknown>, path) : render.call(this, options);
  } finally {
    for (const [i, names] of met) Object.assign(i, names);
    met = undefined;
  }
};

/** The options ts-poet formats the files with, and the files left for protoship to format with them. */
const deferred: { options: Record<string, unknown> | undefined; files: string[] } = { options: undefined, files: [] };

/**
 * A file's code as ts-poet would have handed it to the formatter, recorded in {@link deferred}
 * with the options it would have used: rendered unformatted (`format: false`), then rendered
 * again with the formatter swapped for a recorder, which sees only ts-poet's final call (the
 * code with imports is rendered once and kept). Formatted here when its options differ.
 */
function renderUnformatted(code: unknown, options: Record<string, unknown>, path: string): string {
  const text = render.call(code, { ...options, format: false });
  let used: Record<string, unknown> | undefined;
  const formatter = dprint.format;
  dprint.format = (_fileName, input, formatOptions) => {
    used = formatOptions ?? {};
    return input;
  };
  try {
    render.call(code, options);
  } finally {
    dprint.format = formatter;
  }
  deferred.options ??= used;
  if (!used || JSON.stringify(used) !== JSON.stringify(deferred.options)) return render.call(code, options);
  deferred.files.push(path);
  return text;
}

// ts-proto writes its encoded response with one process.stdout.write once every file is rendered:
// the entry is appended there (a message's encoding followed by more of a repeated field's
// elements is the message with them added).
const write = process.stdout.write.bind(process.stdout) as (chunk: Uint8Array, callback?: (error?: Error | null) => void) => boolean;
process.stdout.write = ((chunk: Uint8Array, callback?: (error?: Error | null) => void) => {
  if (!deferred.files.length) return write(chunk, callback);
  const entry = create(CodeGeneratorResponseSchema, { file: [{ name: DEFERRED_FORMAT, content: JSON.stringify(deferred) }] });
  return write(Buffer.concat([chunk, toBinary(CodeGeneratorResponseSchema, entry)]), callback);
}) as typeof process.stdout.write;

// ts-proto's package entry is the plugin: requiring it runs it.
fromTsProto("ts-proto");
