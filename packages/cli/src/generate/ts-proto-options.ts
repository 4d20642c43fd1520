/**
 * The ts-proto options every stub package is generated with. Changing them changes every
 * generated file, so they are part of turbo's cache key (this folder is a `generate` input).
 */
export const TS_PROTO_OPTIONS: readonly string[] = [
  // Client and server stubs for @grpc/grpc-js, the package's peer dependency.
  "outputServices=grpc-js",
  "esModuleInterop=true",
  // 64-bit integers as bigint: no precision is lost above 2^53.
  "forceLong=bigint",
  // Exact types make `fromPartial` reject objects with extra keys, which hurts consumers that
  // build requests from wider objects; plain DeepPartial is what most gRPC code expects.
  "useExactTypes=false",
  // Node's ESM resolver needs file extensions in relative imports.
  "importSuffix=.js",
  "env=node",
  // Each package's index re-exports all its files; without this every file would export its own
  // `protobufPackage`/`MessageFns`/`DeepPartial` and the re-exports would collide.
  "exportCommonSymbols=false",
];

/** protoship's options followed by the configured extras (later ones win in ts-proto). */
export function tsProtoOptions(extra: readonly string[]): string[] {
  return [...TS_PROTO_OPTIONS, ...extra];
}
