import { quote } from "shell-quote";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";

/** What a stub package's package.json says of itself, whichever generator wrote its code. */
export interface StubManifest {
  unit: ProtoPackageUnit;
  version: string;
  /** The repository root relative to the package folder (e.g. `../../..`), for its `generate` script. */
  rootFromPackage: string;
  /** package.json's `repository` (npm needs it to publish with provenance); absent when there is none. */
  repository?: { url: string; directory: string };
}

/** What differs between the generators' package.json files. */
export interface StubManifestParts {
  description: string;
  keywords: string[];
  /** Where the `esm/` and `cjs/` folders are, relative to the package: `./dist/` or `./`. */
  outPrefix: "./dist/" | "./";
  files: string[];
  /** The build script, when the package has something to build. */
  build?: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * package.json of a stub package: ESM and CommonJS, each with its own declarations, chosen by the
 * `exports` conditions; `main`/`types` for tools that predate `exports`.
 *
 * @example
 * stubPackageJson(manifest, { description, keywords, outPrefix: "./", files: ["esm", "cjs"], dependencies })
 */
export function stubPackageJson(input: StubManifest, parts: StubManifestParts): string {
  const { unit } = input;
  const at = (file: string) => `${parts.outPrefix}${file}`;
  const pkg = {
    name: unit.npmName,
    version: input.version,
    description: parts.description,
    keywords: parts.keywords,
    ...(input.repository ? { repository: { type: "git", ...input.repository } } : {}),
    type: "module",
    sideEffects: false,
    // ES2022 output with bigint; the oldest Node line @grpc/grpc-js and @bufbuild/protobuf both support.
    engines: { node: ">=18" },
    main: at("cjs/index.js"),
    types: at("cjs/index.d.ts"),
    exports: {
      ".": {
        import: { types: at("esm/index.d.ts"), default: at("esm/index.js") },
        require: { types: at("cjs/index.d.ts"), default: at("cjs/index.js") },
      },
      "./package.json": "./package.json",
    },
    files: parts.files,
    scripts: {
      // npm runs scripts through a shell: every embedded value is quoted, whatever validation let through.
      generate: quote(["protoship", "-C", input.rootFromPackage, "generate", "--only", unit.npmName]),
      ...(parts.build === undefined ? {} : { build: parts.build }),
      test: "node --test test/",
    },
    dependencies: parts.dependencies,
    ...(parts.peerDependencies ? { peerDependencies: parts.peerDependencies } : {}),
    ...(parts.devDependencies ? { devDependencies: parts.devDependencies } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
