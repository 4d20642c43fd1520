import { ownerOf } from "@protoship/fs-safe";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { ProtoshipError } from "../errors.js";
import { STUBS_OWNER } from "../generate/stub-files.js";

/** One stub package folder as it is on disk: what `protoship build` needs to build it. */
export interface StubPackageOnDisk {
  /** Its npm name (package.json `name`). */
  name: string;
  /** Absolute folder. */
  dir: string;
  /** npm names of the stub packages (in the same folder) it depends on, sorted. */
  dependencies: string[];
  /** Its package.json `build` script; undefined when it has none. */
  build: string | undefined;
  /** Absolute path of the declarations its `exports["."].import.types` names; undefined when it names none inside the package. */
  esmTypes: string | undefined;
}

interface Manifest {
  name?: unknown;
  dependencies?: unknown;
  scripts?: { build?: unknown };
  exports?: { ".": { import?: { types?: unknown } } };
}

/**
 * The stub packages in `outDir`: every folder protoship generate wrote (its `.protoship-generated`
 * marker names `protoship generate`), with the stub packages it depends on from its package.json.
 * Other folders are not stub packages and are not read.
 */
export async function readStubPackages(outDir: string): Promise<StubPackageOnDisk[]> {
  const entries = await readdir(outDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const found: { dir: string; manifest: Manifest }[] = [];
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const dir = path.join(outDir, entry.name);
    if ((await ownerOf(dir)) !== STUBS_OWNER) continue;
    const file = path.join(dir, "package.json");
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(file, "utf8")) as Manifest;
    } catch (error) {
      throw new ProtoshipError(`${file}: ${error instanceof Error ? error.message : String(error)}`, {
        hint: "run protoship generate to rewrite the stub packages",
      });
    }
    if (typeof manifest.name !== "string") throw new ProtoshipError(`${file}: no "name"`, { hint: "run protoship generate" });
    found.push({ dir, manifest });
  }
  const names = new Set(found.map((f) => f.manifest.name as string));
  return found.map(({ dir, manifest }) => {
    const deps = manifest.dependencies && typeof manifest.dependencies === "object" ? Object.keys(manifest.dependencies) : [];
    const build = manifest.scripts?.build;
    const types = manifest.exports?.["."]?.import?.types;
    const esmTypes = typeof types === "string" ? path.resolve(dir, types) : undefined;
    return {
      name: manifest.name as string,
      dir,
      dependencies: deps.filter((d) => names.has(d)).sort(),
      build: typeof build === "string" ? build : undefined,
      esmTypes: esmTypes?.startsWith(`${dir}${path.sep}`) ? esmTypes : undefined,
    };
  });
}
