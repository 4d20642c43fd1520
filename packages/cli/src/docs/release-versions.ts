import type { PackageVersions } from "@protoship/docs-site";
import type { RepoProject } from "../project/project.js";
import { releaseHistory } from "../release/history.js";
import { listReleaseTags } from "../release/tags.js";
import { siteModelOf } from "../schema/doc-model.js";

/**
 * The docs site's release history: every release tag, grouped by package (named by its proto
 * package when `protoPackageOf` knows the npm name; it is asked only when there are releases),
 * each with a snapshot of the schema at the tag's commit. The schema is compiled from git objects (never the working tree) with the
 * project's protoship.yaml, once per commit, and only when the site does not already hold that
 * release's page.
 */
export async function docsReleaseVersions(
  project: RepoProject,
  protoPackageOf: () => Promise<ReadonlyMap<string, string>>,
): Promise<PackageVersions[]> {
  const { repo } = project;
  const { tagFormat } = project.config.release;
  const [history, tags] = await Promise.all([releaseHistory(repo, tagFormat), listReleaseTags(repo, tagFormat)]);
  if (!history.length) return [];
  const names = await protoPackageOf();
  const tagOf = new Map(tags.map((t) => [`${t.name}\0${t.version}`, t]));
  const models = new Map<string, () => ReturnType<typeof loadModel>>();
  const loadModel = async (commit: string, label: string) => siteModelOf((await project.at(commit, label).image()).image);
  const modelAt = (commit: string, label: string) => {
    let load = models.get(commit);
    if (!load) {
      let loaded: ReturnType<typeof loadModel> | undefined;
      load = () => (loaded ??= loadModel(commit, label));
      models.set(commit, load);
    }
    return load;
  };
  return history.map((h) => ({
    package: names.get(h.package) ?? h.package,
    versions: h.versions.map((v) => {
      const tag = tagOf.get(`${h.package}\0${v.version}`);
      return tag ? { ...v, snapshot: { commit: tag.commit, model: modelAt(tag.commit, `tag ${tag.tag}`) } } : v;
    }),
  }));
}
