import type { ReleaseTag } from "../release/tags.js";

/**
 * What `protoship publish` does at each release commit, as a pure function of gathered state
 * (commands/publish.ts gathers it, then builds and uploads what this plans). No git, no registry.
 */

/** One release commit as gathered. */
export interface ReleaseCommit {
  commit: string;
  /** The selected release tags at this commit. */
  tags: readonly ReleaseTag[];
  /** Those of `tags` whose version the registry already has. */
  onRegistry: ReadonlySet<ReleaseTag>;
  /** Every package's latest release reachable from the commit, by npm name. */
  reachable: ReadonlyMap<string, ReleaseTag>;
}

/** What to do at one release commit. */
export interface CommitPublish {
  commit: string;
  /** Tags to build and publish. */
  todo: ReleaseTag[];
  /** Tags already on the registry: skipped, so a re-run publishes only what is missing. */
  skipped: ReleaseTag[];
  /**
   * The version each stub package gets, by npm name: the selected tags' own, and for every other
   * package the one released at (or before) the commit, so imports between stub packages name
   * versions that exist.
   */
  versions: Record<string, string>;
}

/** Plans each release commit in the order given. */
export function planPublish(commits: readonly ReleaseCommit[]): CommitPublish[] {
  return commits.map(({ commit, tags, onRegistry, reachable }) => {
    const versions = Object.fromEntries([...reachable].map(([name, t]) => [name, t.version]));
    for (const t of tags) versions[t.name] = t.version;
    return { commit, todo: tags.filter((t) => !onRegistry.has(t)), skipped: tags.filter((t) => onRegistry.has(t)), versions };
  });
}
