import { BUILD_SCRIPT, tsconfigCjs, tsconfigEsm } from "../generate/package-files.js";
import type { StubPackageOnDisk } from "./stub-workspace.js";

/** A stub package as the merged build reads it: its files as generated, and its sources by content. */
export interface PackageSources {
  pkg: StubPackageOnDisk;
  /** Its tsconfig.json and tsconfig.cjs.json as on disk (undefined when missing). */
  tsconfig: string | undefined;
  tsconfigCjs: string | undefined;
  /** Every file under src/, by path relative to src/ (`/`-separated), with a digest of its bytes and its size. */
  sources: { rel: string; digest: string; size: number }[];
}

/** One tsc program (ESM, then CJS) over several packages' sources, merged into one tree. */
export interface MergedBatch {
  packages: MergedPackage[];
  /** Tree path (relative to the tree's src/) → the file copied there: each distinct file once. */
  tree: Map<string, string>;
  /** compilerOptions.paths: each stub package a batch package imports, to its index in the tree or its built declarations. */
  paths: Record<string, string[]>;
  /** Files of the batch's packages that are byte-identical copies of a file already in the tree (checked once). */
  sharedCopies: number;
}

export interface MergedPackage {
  pkg: StubPackageOnDisk;
  /** Its src/index.ts's path in the tree: `index.<n>.ts`, beside the other packages' indexes. */
  index: string;
  /** Its sources (relative to src/), index.ts included. */
  files: string[];
}

/** What {@link planMergedBuild} decided. */
export interface MergedPlan {
  batches: MergedBatch[];
  /** Packages built by their own `build` script (in dependency order), and why. */
  scripted: { pkg: StubPackageOnDisk; reason: string }[];
}

/** The largest sum of distinct source bytes per tsc program: bounds its memory (about 1 GB with TypeScript 7). */
export const BATCH_BYTES = 24 * 1024 * 1024;

/**
 * Which packages one tsc program can build together, and how (pure).
 *
 * A ts-proto package whose build script and tsconfigs are the ones protoship generate writes
 * builds the same files whether tsc runs in its folder or over a tree that merges it with other
 * packages: every source is emitted file by file (`isolatedModules`), relative imports resolve to
 * the same relative paths, and imports of stub packages resolve (by `paths`) to the same
 * declarations. Merged, the shared copies (google/protobuf, google/api, google/rpc… written into
 * every package that imports them, byte-identical) are parsed, type-checked and emitted once per
 * batch instead of once per package, and the libraries (`@types/node`, `@grpc/grpc-js`) once.
 *
 * Packages are taken in dependency order (`ordered`; `all` is every stub package, for the
 * declarations of those built before). A batch closes at {@link BATCH_BYTES}. A
 * package goes to its own build script when its files are not protoship's, when one of its paths
 * holds other bytes than the same path in the batch, or when it imports such a package.
 */
export function planMergedBuild(
  ordered: readonly PackageSources[],
  all: readonly StubPackageOnDisk[],
  batchBytes = BATCH_BYTES,
): MergedPlan {
  const scripted: MergedPlan["scripted"] = [];
  const batches: MergedBatch[] = [];
  const scriptedNames = new Set<string>();
  const batchOf = new Map<string, { batch: MergedBatch; index: string }>();
  const types = new Map(all.map((p) => [p.name, p.esmTypes]));
  let current: { batch: MergedBatch; digests: Map<string, string>; bytes: number } | undefined;
  for (const input of ordered) {
    const { pkg } = input;
    const scriptedDep = pkg.dependencies.find((d) => scriptedNames.has(d));
    const refused = notGenerated(input) ?? (scriptedDep === undefined ? undefined : `it imports ${scriptedDep}`);
    if (refused) {
      scripted.push({ pkg, reason: refused });
      scriptedNames.add(pkg.name);
      continue;
    }
    if (current && current.bytes >= batchBytes) current = undefined;
    current ??= { batch: { packages: [], tree: new Map(), paths: {}, sharedCopies: 0 }, digests: new Map(), bytes: 0 };
    const { batch, digests } = current;
    const index = `index.${batch.packages.length}.ts`;
    const clash = input.sources.find((s) => {
      const at = s.rel === "index.ts" ? index : s.rel;
      const there = digests.get(at);
      return there !== undefined && (there !== s.digest || s.rel === "index.ts");
    });
    if (clash) {
      scripted.push({ pkg, reason: `its src/${clash.rel} differs from another package's` });
      scriptedNames.add(pkg.name);
      continue;
    }
    for (const s of input.sources) {
      const at = s.rel === "index.ts" ? index : s.rel;
      if (digests.has(at)) {
        batch.sharedCopies++;
        continue;
      }
      digests.set(at, s.digest);
      batch.tree.set(at, `${pkg.dir}/src/${s.rel}`);
      current.bytes += s.size;
    }
    for (const dep of pkg.dependencies) {
      const inBatch = batchOf.get(dep);
      const target = inBatch?.batch === batch ? `./src/${inBatch.index}` : types.get(dep);
      if (target) batch.paths[dep] = [target];
    }
    batch.packages.push({ pkg, index, files: input.sources.map((s) => s.rel) });
    batchOf.set(pkg.name, { batch, index });
    if (batch.packages.length === 1) batches.push(batch);
  }
  return { batches, scripted };
}

/** Why a package's files are not the ones protoship generate writes for a ts-proto package (undefined when they are). */
function notGenerated(input: PackageSources): string | undefined {
  if (input.pkg.build !== BUILD_SCRIPT) return "its build script is not the generated one";
  if (input.tsconfig !== tsconfigEsm() || input.tsconfigCjs !== tsconfigCjs()) return "its tsconfig files are not the generated ones";
  if (!input.sources.some((s) => s.rel === "index.ts")) return "it has no src/index.ts";
  const other = input.sources.find((s) => !s.rel.endsWith(".ts") || s.rel.endsWith(".d.ts"));
  if (other) return `src/${other.rel} is not a TypeScript source`;
  return undefined;
}
