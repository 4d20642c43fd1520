/**
 * protoship.yaml defaults, as plain data: a repository without protoship.yaml gets these without
 * loading the schema library at all (it costs ~90 ms, a third of the pre-push budget).
 */
export const DEFAULTS = {
  bufYaml: "buf.yaml",
  check: { steps: ["format", "lint", "breaking"] as ("format" | "lint" | "breaking")[], formatBaseline: [] as string[] },
  // No stubs.scope: it is the repository's own (protoship.yaml, else the root package.json's name).
  stubs: {
    outDir: "packages/stubs",
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
