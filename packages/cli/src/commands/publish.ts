import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ExitCode, ProtoshipError } from "../errors.js";
import { Project } from "../project/project.js";
import { buildStubPackages, type BuildStubPackages } from "../publish/build-stubs.js";
import { isPublished, packFiles, publishPackage } from "../publish/npm.js";
import { redact } from "../publish/redact.js";
import { latestByName, listReleaseTags, type ReleaseTag } from "../release/tags.js";
import { dependencyOrder as orderByDependencies } from "../schema/package-graph.js";
import { schemaTreeAtCommit } from "../workspace/schema-inputs.js";

/** Options of `protoship publish`. */
export interface PublishOptions {
  cwd: string;
  /** Publish these release tags instead of every release tag at HEAD. */
  tags?: string[];
  /** Build and pack, show the files; publish nothing. */
  dryRun?: boolean;
  /** Where progress goes (default: stdout); everything written is redacted. */
  write?: (text: string) => void;
  /** How stub packages are built (default: generate + each package's build script). */
  build?: BuildStubPackages;
}

/**
 * Publishes the stub package of every release tag at HEAD (or the given tags) with the tag's
 * version, in dependency order. Versions already on the registry are skipped, so a re-run after a
 * failure publishes only what is missing. Uses `--provenance` on GitHub Actions.
 */
export async function publish(options: PublishOptions): Promise<number> {
  const out = options.write ?? ((t: string) => process.stdout.write(t));
  const write = (t: string): void => out(redact(t));
  const { repo, config } = await Project.open(options.cwd);
  const { tagFormat, registry, distTag, access } = config.release;
  const head = (await repo.resolveCommit("HEAD"))!;
  const all = await listReleaseTags(repo, tagFormat);

  let selected: ReleaseTag[];
  if (options.tags && options.tags.length > 0) {
    selected = options.tags.map((name) => {
      const tag = all.find((t) => t.tag === name);
      if (!tag) throw new ProtoshipError(`${name} is not a release tag (expected ${tagFormat}, e.g. ${all[0]?.tag ?? "@scope/pkg@1.0.0"})`);
      return tag;
    });
  } else {
    selected = all.filter((t) => t.commit === head);
    if (selected.length === 0) {
      write("nothing to publish: no release tag points at HEAD\n");
      return ExitCode.Ok;
    }
  }

  const counts = { published: 0, skipped: 0 };
  const commits = [...new Set(selected.map((t) => t.commit))];
  for (const commit of commits) {
    const tags = selected.filter((t) => t.commit === commit);
    const todo: ReleaseTag[] = [];
    for (const tag of tags) {
      if (await isPublished(tag.name, tag.version, { cwd: repo.root, registry })) {
        write(`skipped ${tag.name}@${tag.version}: already on the registry\n`);
        counts.skipped++;
      } else {
        todo.push(tag);
      }
    }
    if (todo.length === 0) continue;

    // Every unit gets the version released at (or before) this commit, so imports between stub
    // packages name versions that exist.
    const versions = Object.fromEntries([...latestByName(await listReleaseTags(repo, tagFormat, { mergedInto: commit }))].map(([name, t]) => [name, t.version]));
    for (const t of tags) versions[t.name] = t.version;
    const workDir = await mkdtemp(path.join(os.tmpdir(), "protoship-publish-"));
    const tree = await schemaTreeAtCommit(repo, commit);
    try {
      write(`building ${todo.map((t) => `${t.name}@${t.version}`).join(", ")} at ${commit.slice(0, 12)}\n`);
      const dirs = await (options.build ?? buildStubPackages)({ source: await Project.ofFolder(tree.dir), repoRoot: repo.root, versions, names: todo.map((t) => t.name), workDir });
      const ordered = await dependencyOrder(todo, dirs);
      for (const tag of ordered) {
        const dir = dirs.get(tag.name)!;
        if (options.dryRun) {
          const files = await packFiles(dir);
          const size = files.reduce((n, f) => n + f.size, 0);
          write(`would publish ${tag.name}@${tag.version} (${files.length} files, ${size} bytes)${registry ? ` to ${registry}` : ""}\n`);
          for (const f of files) write(`  ${f.path}  ${f.size}\n`);
          continue;
        }
        const provenance = Boolean(process.env.CI && process.env.GITHUB_ACTIONS);
        const error = await publishPackage(dir, { registry, distTag, access, provenance });
        if (error !== undefined) {
          const rest = ordered.slice(ordered.indexOf(tag) + 1).map((t) => `${t.name}@${t.version}`);
          throw new ProtoshipError(
            `publishing ${tag.name}@${tag.version} failed: ${redact(error)}${counts.published ? `; published before it: ${counts.published}` : ""}${rest.length ? `; not attempted: ${rest.join(", ")}` : ""}`,
            { exitCode: ExitCode.Usage, hint: "fix the cause and run protoship publish again: versions already on the registry are skipped" },
          );
        }
        write(`published ${tag.name}@${tag.version}${provenance ? " with provenance" : ""}\n`);
        counts.published++;
      }
    } finally {
      await tree.dispose();
      await rm(workDir, { recursive: true, force: true });
    }
  }
  if (!options.dryRun) write(`${counts.published} published, ${counts.skipped} already on the registry\n`);
  return ExitCode.Ok;
}

/** Orders tags so a package is published after the stub packages it depends on. */
async function dependencyOrder(tags: readonly ReleaseTag[], dirs: ReadonlyMap<string, string>): Promise<ReleaseTag[]> {
  const deps = new Map<string, string[]>();
  for (const t of tags) {
    const pkg = JSON.parse(await readFile(path.join(dirs.get(t.name)!, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    deps.set(t.name, Object.keys(pkg.dependencies ?? {}));
  }
  return orderByDependencies(tags, (t) => t.name, (t) => deps.get(t.name) ?? []);
}
