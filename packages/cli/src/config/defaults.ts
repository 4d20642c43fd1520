/**
 * protoship.yaml defaults, as plain data: a repository without protoship.yaml gets these without
 * loading the schema library at all (it costs ~90 ms, a third of the pre-push budget).
 */
/**
 * The most shards a share of the stub packages can be split into (`--shard i/n`, `--list-shards n`,
 * `ci.shards`): a GitHub Actions matrix runs at most 256 jobs, and a count is refused above it
 * rather than planned (a bin per shard: a hundred million of them ran out of memory).
 */
export const MAX_SHARDS = 256;

export const DEFAULTS = {
  bufYaml: "buf.yaml",
  check: { steps: ["format", "lint", "breaking"] as ("format" | "lint" | "breaking")[], formatBaseline: [] as string[] },
  // No stubs.scope: it is the repository's own (protoship.yaml, else the root package.json's name).
  stubs: {
    outDir: "packages/stubs",
    generator: "ts-proto" as "ts-proto" | "protobuf-es",
    names: {} as Record<string, string>,
    tsProtoOptions: [] as string[],
    exclude: [] as string[],
    include: [] as string[],
  },
  docs: { outDir: "site", title: "API reference" },
  release: {
    branch: "main",
    remote: "origin",
    tagFormat: "{name}@{version}",
    distTag: "latest",
    access: "public" as "public" | "restricted",
  },
  ci: { shardAbove: 200, shards: 4 },
} as const;
