/**
 * What generated stub packages need at run time and to build, shared by the generator (each stub's
 * package.json), the publish build and `protoship init` (the repository root's devDependencies).
 *
 * The root asks for versions inside the stubs' ranges (TypeScript: the same range), so a workspace of hundreds of stub
 * packages installs one copy of each: npm and pnpm hoist the root's copy when it satisfies every
 * package's range. A stub's range that the root pin missed would give each package its own copy
 * (one TypeScript per package).
 */
export const STUB_TOOLCHAIN = {
  /** ts-proto's wire format runtime (BinaryReader/BinaryWriter); ts-proto 2.x needs ^2. */
  protobuf: { range: "^2.14.1", pin: "2.17.0" },
  /** The gRPC runtime the stubs are written for; a peer, so the app picks one copy. */
  grpc: { range: "^1.10.0", pin: "1.14.7" },
  /** TypeScript 5.9 or 7 (the native compiler): the stubs' build runs on both (generate/package-files.ts). */
  typescript: { range: "^5.9.3 || ^7.0.0", pin: "5.9.3" },
  /** Node's types: ts-proto's `bytes` fields are Buffer, services use Node streams. */
  typesNode: { range: ">=18", pin: "20.19.43" },
} as const;

/** The root devDependencies that make stub packages build and share one toolchain. */
export function stubRootDevDependencies(): Record<string, string> {
  return {
    "@bufbuild/protobuf": `^${STUB_TOOLCHAIN.protobuf.pin}`,
    "@grpc/grpc-js": `^${STUB_TOOLCHAIN.grpc.pin}`,
    "@types/node": `^${STUB_TOOLCHAIN.typesNode.pin}`,
    // The stubs' own range, 5.9 or 7: npm and pnpm resolve it to npm's latest in it (TypeScript 7, the
    // native compiler) for the root and every stub package alike, so the workspace installs one compiler,
    // and the lock file keeps it the same on every machine.
    typescript: STUB_TOOLCHAIN.typescript.range,
  };
}
