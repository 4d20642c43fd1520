/**
 * The plugin process protoship runs for each batch (see runTsProto): ts-proto's own
 * protoc-gen-ts_proto, reading a CodeGeneratorRequest on stdin and writing the response on stdout,
 * with two changes to the libraries it generates with, neither changing what a file's code is:
 *
 * - the formatter ts-poet calls for each generated file (dprint-node's `format`) formats it a group
 *   of statements at a time ({@link formatInParts}): the same bytes, without the formatter's memory
 *   for a whole 18 MB file;
 * - each file starts from the same import names: ts-poet renames an import that collides with a
 *   name the file defines (`Metadata as Metadata1` in a file with a `Metadata` message) by changing
 *   the import object, and ts-proto shares some import objects between files (the gRPC ones), so
 *   every later file in the process kept the alias. A file's code then depended on which files one
 *   process had generated before it; here it is the file's own, however packages are batched or
 *   sharded.
 *
 * A program, not a module: importing it starts the plugin.
 */
import { createRequire } from "node:module";
import { formatInParts } from "./format-in-parts.js";

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
    return render.call(this, options);
  } finally {
    for (const [i, names] of met) Object.assign(i, names);
    met = undefined;
  }
};

// ts-proto's package entry is the plugin: requiring it runs it.
fromTsProto("ts-proto");
