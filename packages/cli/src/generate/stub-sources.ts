import path from "node:path";
import { ProtoshipError } from "../errors.js";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { fixClientCollisions } from "./client-collisions.js";
import type { GeneratedTree } from "./run-ts-proto.js";

/** The TypeScript sources of one stub package, before templates are added. */
export interface StubSources {
  unit: ProtoPackageUnit;
  /** Files under the package's `src/`, by path (e.g. `mesh/probe/v1/probe.ts`, `index.ts`). */
  files: Map<string, string>;
  /** npm names of the other stub packages this one imports, sorted. */
  dependencies: string[];
}

const RELATIVE_IMPORT = /(\bfrom\s+")(\.\.?\/[^"]+)(")/g;

/** Where a generator's files for each .proto file are, how they import each other, and the package's entry files. */
export interface OutputLayout {
  /** The generator, as messages name it. */
  label: string;
  /** The paths of the files generated from one .proto file (module-relative name), in the plugin's output. */
  outputsOf(protoFile: string): string[];
  /** The .proto file that a generated module path (an import's target) came from, if any. */
  protoOf(modulePath: string): string | undefined;
  /** Relative imports in generated code: groups 1 and 3 around the specifier (group 2). */
  imports: RegExp;
  /** The package's entry files, from its own .proto files (sorted) and the package's files. */
  indexFiles(ownProtoFiles: readonly string[], files: ReadonlyMap<string, string>): [string, string][];
  /** A change to each generated file before imports are rewritten. */
  fix?(text: string): string;
}

/** ts-proto's layout: one `.ts` per .proto file, `index.ts` re-exporting the package's own modules. */
export const TS_PROTO_LAYOUT: OutputLayout = {
  label: "ts-proto",
  outputsOf: (protoFile) => [tsPathOf(protoFile)],
  protoOf: (modulePath) => (modulePath.endsWith(".js") ? modulePath.replace(/\.js$/, ".proto") : undefined),
  imports: RELATIVE_IMPORT,
  indexFiles: (own, files) => [["index.ts", indexSource(own.map(tsPathOf).filter((f) => isModule(files.get(f)!)))]],
  fix: fixClientCollisions,
};

/**
 * Splits a generator's output (ts-proto's by default) (for the module, or a batch of its packages) into one source tree per proto package.
 *
 * ts-proto writes relative imports between files (`../../common/v1/target.js`). An import of a file
 * that belongs to another stub package becomes an import of that package by name, so a consumer
 * who uses `@mesh/probe-v1` and `@mesh/common-v1` together sees one `Target` type, not two copies.
 *
 * Files that belong to no stub package (google/protobuf well-known types, imports from outside
 * the module, excluded packages) are copied into each package that needs them. A shared package
 * for them would be an extra npm package with its own version that the release plan, which is
 * per proto package of the module, knows nothing about; the copies are small, and ts-proto's
 * messages are plain interfaces, so two copies of `Duration` are the same type to TypeScript.
 */
export function toStubSources(
  tree: GeneratedTree,
  allUnits: readonly ProtoPackageUnit[],
  selected: readonly ProtoPackageUnit[],
  layout: OutputLayout = TS_PROTO_LAYOUT,
): StubSources[] {
  const owner = new Map<string, ProtoPackageUnit>();
  for (const unit of allUnits) for (const file of unit.files) owner.set(file.name, unit);
  return selected.map((unit) => {
    const files = new Map<string, string>();
    const dependencies = new Set<string>();
    const ownProtos = unit.files.map((f) => f.name).sort();
    const queue = ownProtos.flatMap((f) => layout.outputsOf(f));
    while (queue.length) {
      const file = queue.shift()!;
      if (files.has(file)) continue;
      const text = tree.get(file);
      // Incomplete generator output is an error before anything is written, never a smaller package.
      if (text === undefined) {
        throw new ProtoshipError(`${layout.label} produced no ${file} for ${unit.protoPackage}; nothing was changed`);
      }
      files.set(
        file,
        (layout.fix?.(text) ?? text).replace(layout.imports, (whole, open: string, spec: string, close: string) => {
          const proto = layout.protoOf(path.posix.join(path.posix.dirname(file), spec));
          if (proto === undefined) return whole;
          const targetUnit = owner.get(proto);
          if (targetUnit && targetUnit !== unit) {
            dependencies.add(targetUnit.npmName);
            return `${open}${targetUnit.npmName}${close}`;
          }
          for (const output of layout.outputsOf(proto)) if (!files.has(output)) queue.push(output);
          return whole;
        }),
      );
    }
    for (const [name, text] of layout.indexFiles(ownProtos, files)) files.set(name, text);
    return { unit, files: sortMap(files), dependencies: [...dependencies].sort() };
  });
}

/** ts-proto names its output after the .proto file. */
function tsPathOf(protoFile: string): string {
  return protoFile.replace(/\.proto$/, ".ts");
}

/**
 * The package's entry point: it re-exports each of its own files that is a module. ts-proto writes a
 * file with nothing to export (a .proto with only options and comments, such as googleapis'
 * `google/cloud/common_resources.proto`) as comments alone; TypeScript refuses `export *` of such
 * a file ("is not a module", TS2306), so it is left out, and an index with nothing to re-export is
 * still a module (`export {};`).
 */
function indexSource(moduleFiles: readonly string[]): string {
  const lines = moduleFiles.length ? moduleFiles.map((f) => `export * from "./${f.replace(/\.ts$/, ".js")}";`) : ["export {};"];
  return `// Generated by protoship generate. DO NOT EDIT.\n${lines.join("\n")}\n`;
}

/**
 * Whether ts-proto's output for one file is an ES module: it starts a line with `import` or
 * `export`. ts-proto writes its statements from the first column, and proto comments only inside
 * its doc comments (each line behind ` * `), so a comment cannot make a file look like a module.
 */
function isModule(text: string): boolean {
  return /^(?:import|export)\b/m.test(text);
}

function sortMap(map: Map<string, string>): Map<string, string> {
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
