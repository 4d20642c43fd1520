import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import semver from "semver";
import { ExitCode, ProtoshipError } from "../errors.js";
import { GitRepo, type GitReader } from "../git/git.js";
import { eraseProgress, startProgress } from "../process/progress.js";
import { summarise } from "../process/summarise.js";
import { schedule } from "../process/schedule.js";
import { Project, type RevisionProject } from "../project/project.js";
import { stubRepository } from "../config/repository-url.js";
import { buildStubPackages, type BuildStubPackages } from "../publish/build-stubs.js";
import { isPublished, packFiles, publishPackage } from "../publish/npm.js";
import { redact, redactError } from "../process/redact.js";
import { planPublish, type CommitPublish, type ReleaseCommit } from "../publish/publish-plan.js";
import { latestByName, listReleaseTags, parseTag, type ReleaseTag } from "../release/tags.js";
import { dependencyOrder as orderByDependencies } from "../schema/package-graph.js";
import { makeTempDir } from "../fs/temp-dir.js";

/** Options of `protoship publish`. */
export interface PublishOptions {
  cwd: string;
  /** Publish these release tags instead of every release tag at HEAD. */
  tags?: string[];
  /** Build and pack, show the files; publish nothing. */
  dryRun?: boolean;
  /** How stub packages are built (default: generate + each package's build script). */
  build?: BuildStubPackages;
}

/**
 * Publishes the stub package of every release tag at HEAD (or the given tags) with the tag's
 * version, in dependency order. Everything comes from git objects: the tags and their format
 * from HEAD's protoship.yaml, and for each release commit its own protoship.yaml (registry,
 * scope, names) and schema, read from git objects (only the built packages are written, to a
 * temporary folder): ignored, untracked and uncommitted files are never published. Versions already on the registry are skipped, so a re-run after a
 * failure publishes only what is missing. Uses `--provenance` on GitHub Actions. Everything it
 * prints, errors included, goes through {@link redact}.
 */
export function publish(options: PublishOptions): Promise<CommandResult> {
  return collectOutput(async (write) => {
    try {
      return await publishTags(options, write);
    } catch (error) {
      throw redactError(error);
    }
  });
}

async function publishTags(options: PublishOptions, out: Write): Promise<Verdict> {
  // A line of the report starts at column 0 even while a progress line is drawn on the terminal.
  const write = (t: string): void => {
    eraseProgress();
    out(redact(t));
  };
  const repo = await GitRepo.open(options.cwd);
  const atHead = await Project.atHead(repo);
  const { tagFormat } = atHead.config.release;
  const all = await listReleaseTags(repo, tagFormat);
  const selected: ReleaseTag[] = [];
  for (const name of options.tags ?? []) selected.push(await releaseTagNamed(repo, all, name, tagFormat));
  if (selected.length === 0) selected.push(...all.filter((t) => t.commit === atHead.commit));
  if (selected.length === 0) {
    write("nothing to publish: no release tag points at HEAD\n");
    return ExitCode.Ok;
  }

  const gathered: GatheredCommit[] = [];
  for (const commit of [...new Set(selected.map((t) => t.commit))]) gathered.push(await gatherCommit(repo, commit, selected, tagFormat));
  const plan = planPublish(gathered.map((g) => g.state));
  const counts = { published: 0, skipped: 0 };
  for (const [i, step] of plan.entries()) await applyCommit(repo, gathered[i]!, step, options, write, counts);
  if (!options.dryRun) write(`${counts.published} published, ${counts.skipped} already on the registry\n`);
  return ExitCode.Ok;
}

/** One release commit, gathered: its state for planPublish, and what building and uploading need. */
interface GatheredCommit {
  state: ReleaseCommit;
  released: RevisionProject;
  repository: string | undefined;
}

/**
 * What is published from `commit`: the project as it was configured there (registry, scope and
 * names included), the selected tags at it and which of their versions the registry already has,
 * and every package's release reachable from it.
 */
async function gatherCommit(repo: GitRepo, commit: string, selected: readonly ReleaseTag[], tagFormat: string): Promise<GatheredCommit> {
  const released = await Project.atRevision(repo, commit, commit.slice(0, 12)).catch((error: unknown) => {
    if (!(error instanceof ProtoshipError)) throw error;
    throw new ProtoshipError(`at ${commit.slice(0, 12)}: ${error.message}`, { exitCode: error.exitCode });
  });
  // The source is no repository: the URL comes from the release's protoship.yaml or this repository's remote.
  const repository = await stubRepository(released.config, repo);
  const tags = selected.filter((t) => t.commit === commit);
  const onRegistry = await checkRegistry(tags, { cwd: repo.root, registry: released.config.release.registry });
  const reachable = latestByName(await listReleaseTags(repo, tagFormat, { mergedInto: commit }));
  return { state: { commit, tags, onRegistry, reachable }, released, repository };
}

/** Builds the commit's packages to publish and uploads them (or, dry run, lists their files). */
async function applyCommit(
  repo: GitRepo,
  gathered: GatheredCommit,
  step: CommitPublish,
  options: PublishOptions,
  write: Write,
  counts: { published: number; skipped: number },
): Promise<void> {
  const { commit, todo, skipped, versions } = step;
  if (skipped.length) write(`skipped ${summarise(skipped.map(tagLabel), "package")} already on the registry\n`);
  counts.skipped += skipped.length;
  if (todo.length === 0) return;
  const { released, repository } = gathered;
  const { registry, distTag, access } = released.config.release;
  const scratch = await makeTempDir("protoship-publish-");
  const workDir = scratch.dir;
  try {
    // The schema is read from git objects; nothing of the commit is written to disk.
    const source = Project.ofRevision(path.join(workDir, "source"), released);
    write(`building ${summarise(todo.map(tagLabel), "package")} at ${commit.slice(0, 12)}\n`);
    const dirs = await (options.build ?? buildStubPackages)({
      source,
      repoRoot: repo.root,
      versions,
      names: todo.map((t) => t.name),
      ...(repository ? { repository } : {}),
      workDir,
    });
    const ordered = await dependencyOrder(todo, dirs);
    const uploading = startProgress(options.dryRun ? "pack" : "publish", ordered.length, "packages");
    try {
      for (const tag of ordered) {
        const dir = dirs.get(tag.name)!;
        if (options.dryRun) {
          const files = await packFiles(dir);
          const size = files.reduce((n, f) => n + f.size, 0);
          write(`would publish ${tag.name}@${tag.version} (${files.length} files, ${size} bytes)${registry ? ` to ${registry}` : ""}\n`);
          for (const f of files) write(`  ${f.path}  ${f.size}\n`);
          uploading.tick();
          continue;
        }
        const provenance = Boolean(process.env.CI && process.env.GITHUB_ACTIONS);
        const error = await publishPackage(dir, { registry, distTag, access, provenance });
        if (error !== undefined) {
          const rest = ordered.slice(ordered.indexOf(tag) + 1).map((t) => `${t.name}@${t.version}`);
          throw new ProtoshipError(
            `publishing ${tag.name}@${tag.version} failed: ${error}${counts.published ? `; published before it: ${counts.published}` : ""}${rest.length ? `; not attempted: ${rest.join(", ")}` : ""}`,
            {
              exitCode: ExitCode.Usage,
              hint: "fix the cause and run protoship publish again: versions already on the registry are skipped",
            },
          );
        }
        write(`published ${tag.name}@${tag.version}${provenance ? " with provenance" : ""}\n`);
        counts.published++;
        uploading.tick();
      }
    } finally {
      uploading.done();
    }
  } finally {
    await scratch.dispose();
  }
}

/**
 * The release tag called `name` (from `--tag`). A tag that does not exist is named as such, with
 * the release tags of the same package as near matches; an existing tag that is not a release tag
 * is named as that.
 */
async function releaseTagNamed(repo: GitReader, all: readonly ReleaseTag[], name: string, tagFormat: string): Promise<ReleaseTag> {
  const found = all.find((t) => t.tag === name);
  if (found) return found;
  if (!(await repo.resolveCommit(`refs/tags/${name}`))) {
    const wanted = parseTag(tagFormat, name)?.name;
    const near = all
      .filter((t) => (wanted ? t.name === wanted : t.tag.includes(name) || name.includes(t.name)))
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .slice(0, 5)
      .map((t) => t.tag);
    const nearMatches = near.length ? `; release tags of that package: ${near.join(", ")}` : "";
    throw new ProtoshipError(`tag ${name} does not exist${nearMatches}`, {
      exitCode: ExitCode.Usage,
      hint: "list the release tags with `git tag --list`; tags made elsewhere need `git fetch --tags` first",
    });
  }
  throw new ProtoshipError(`${name} is not a release tag (expected ${tagFormat}, e.g. ${all[0]?.tag ?? "@scope/pkg@1.0.0"})`, {
    exitCode: ExitCode.Usage,
  });
}

/** How many release tags' versions are looked up on the registry at once. */
const REGISTRY_CHECKS = 16;

/** The tags whose version is on the registry already, looked up {@link REGISTRY_CHECKS} at a time. */
async function checkRegistry(
  tags: readonly ReleaseTag[],
  options: { cwd: string; registry: string | undefined },
): Promise<Set<ReleaseTag>> {
  const found = new Set<ReleaseTag>();
  const checking = startProgress("check registry", tags.length, "packages");
  try {
    const limits = { jobs: REGISTRY_CHECKS, budgetMb: 0, abort: new AbortController() };
    await schedule(
      tags.map(() => 0),
      limits,
      async (i) => {
        const tag = tags[i]!;
        if (await isPublished(tag.name, tag.version, options)) found.add(tag);
        checking.tick();
      },
    );
  } finally {
    checking.done();
  }
  return found;
}

const tagLabel = (t: ReleaseTag): string => `${t.name}@${t.version}`;

/** Orders tags so a package is published after the stub packages it depends on. */
async function dependencyOrder(tags: readonly ReleaseTag[], dirs: ReadonlyMap<string, string>): Promise<ReleaseTag[]> {
  const deps = new Map<string, string[]>();
  for (const t of tags) {
    const pkg = JSON.parse(await readFile(path.join(dirs.get(t.name)!, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    deps.set(t.name, Object.keys(pkg.dependencies ?? {}));
  }
  return orderByDependencies(
    tags,
    (t) => t.name,
    (t) => deps.get(t.name) ?? [],
  );
}
