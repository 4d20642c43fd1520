import type { BufWorkspace } from "../buf/buf-config.js";
import { changedProtoFiles, type SideTree } from "../snapshot/file-set.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { Project, type RevisionProject } from "../project/project.js";
import { protoPackageUnits, type ProtoPackageUnit } from "../schema/proto-packages.js";
import { assemblePlan, type PackagePlan as AssembledPackagePlan, type ReleasePlan as AssembledReleasePlan } from "./assemble-plan.js";
import { breakingFindings, type BreakingFinding } from "./breaking.js";
import { changedSlice, headSliceFiles, missedPackages, type ChangedFile } from "./changed-slice.js";
import { classifyChanges, type SchemaChange } from "./classify.js";
import type { RevisionImage } from "../snapshot/revision-image.js";
import { diffSchemas } from "./schema-diff.js";
import { latestByName, listReleaseTags, type ReleaseTag } from "./tags.js";

/** The release of one unit (one proto package, one npm package). */
export type PackagePlan = AssembledPackagePlan<ProtoPackageUnit>;

/** What `release plan` computes; `packages` is in dependency order (imported units first). */
export type ReleasePlan = AssembledReleasePlan<ProtoPackageUnit>;

export { dependencyOrder } from "./assemble-plan.js";

/**
 * Plans the next release of every unit at HEAD: finds each unit's last release tag reachable from
 * HEAD, diffs the unit's descriptors at that tag against HEAD, lets `buf breaking` (with
 * the rules of each file's module in buf.yaml at HEAD) decide what is breaking, then hands that data to assemblePlan, which
 * applies the version rules (assemble-plan.ts: pure, no I/O). Schemas are
 * read only through compiled descriptors, compiled from git objects (the committed HEAD, never
 * the working tree), with HEAD's protoship.yaml (`at`, opened by the command).
 */
export async function computePlan(at: RevisionProject): Promise<ReleasePlan> {
  const { repo, config, commit: head } = at;
  const headImage = await at.image();
  const units = protoPackageUnits(headImage.image, config, await at.stubScope());
  const latest = latestByName(await listReleaseTags(repo, config.release.tagFormat, { mergedInto: head }));

  // One compile and one `buf breaking` per distinct base commit, shared by the units released
  // there; both cover only the units whose files (or imports' files) differ since that commit.
  const bases = new Map<string, Promise<BaseComparison | undefined>>();
  const baseOf = (tag: ReleaseTag): Promise<BaseComparison | undefined> => {
    let p = bases.get(tag.commit);
    if (!p) {
      const releasedThere = new Set(units.filter((u) => latest.get(u.npmName)?.commit === tag.commit).map((u) => u.protoPackage));
      p = tag.commit === head ? Promise.resolve(undefined) : compareWithBase(at, tag, headImage, units, releasedThere);
      bases.set(tag.commit, p);
    }
    return p;
  };

  // The stub generator each released unit was released with (its tag's protoship.yaml), once per commit.
  const generators = new Map<string, Promise<string | undefined>>();
  const generatorAt = (commit: string): Promise<string | undefined> => {
    let g = generators.get(commit);
    if (!g) {
      // A tag whose protoship.yaml today's protoship cannot read says nothing about its generator.
      g = Project.atRevision(repo, commit, `commit ${commit}`).then(
        (r) => r.config.stubs.generator,
        () => undefined,
      );
      generators.set(commit, g);
    }
    return g;
  };
  const generatorAtRelease = new Map<string, string>();
  for (const [name, tag] of latest) {
    const generator = await generatorAt(tag.commit);
    if (generator) generatorAtRelease.set(name, generator);
  }

  const changes = new Map<string, SchemaChange[]>();
  for (const unit of units) {
    const lastTag = latest.get(unit.npmName);
    if (!lastTag) continue;
    const base = await baseOf(lastTag);
    if (base?.packages.has(unit.protoPackage)) changes.set(unit.protoPackage, unitChanges(unit, base.image, headImage, base.findings));
  }
  return assemblePlan({
    head,
    units,
    lastRelease: latest,
    changes,
    repoPath: (f) => headImage.repoPath(f),
    generator: { head: config.stubs.generator, atRelease: generatorAtRelease },
  });
}

/** A base commit compared with HEAD: the units that can differ, the base's files for them, buf breaking's findings. */
interface BaseComparison {
  packages: ReadonlySet<string>;
  image: RevisionImage;
  findings: BreakingFinding[];
}

/**
 * Compares HEAD with the commit of `tag` for the units released there (`candidates`), compiling
 * at the base only the files of the units that can differ (see changedSlice), and checking the
 * compiled slice for a package it missed (see missedPackages) before trusting it. A change to
 * buf's configuration compares every candidate. Undefined when no schema file differs.
 */
async function compareWithBase(
  at: RevisionProject,
  tag: ReleaseTag,
  headImage: RevisionImage,
  units: readonly ProtoPackageUnit[],
  candidates: ReadonlySet<string>,
): Promise<BaseComparison | undefined> {
  // Files outside the modules are not compiled on either side.
  const base = at.at(tag.commit, `tag ${tag.tag}`);
  const changed = await changedSchemaFiles(base.snapshot, at.snapshot, headImage.workspace);
  if (changed.length === 0) return undefined;
  if (changed.some((c) => !c.path.endsWith(".proto"))) {
    const image = await base.image();
    return { packages: candidates, image, findings: await breakingFindings(headImage.image, image, headImage) };
  }
  const repoPath = (name: string): string => headImage.repoPath(name);
  let slice = changedSlice(headImage.image.files, units, changed, repoPath, candidates);
  for (;;) {
    // A deleted file's package is known only once the base is compiled: compiled alone, it is found as missed.
    if (slice.basePaths.length === 0) return undefined;
    const image = await base.imageOf(slice.basePaths);
    const own = image.image.files.filter((f) => image.image.ownFiles.has(f.name));
    const missed = missedPackages(own, slice, candidates);
    if (missed.size > 0) {
      slice = changedSlice(headImage.image.files, units, changed, repoPath, candidates, new Set([...slice.packages, ...missed]));
      continue;
    }
    if (slice.packages.size === 0) return undefined;
    const compared = units.filter((u) => slice.packages.has(u.protoPackage)).flatMap((u) => u.files.map((f) => f.name));
    const headFiles = headSliceFiles(headImage.image.files, [...compared, ...own.map((f) => f.name)]);
    const headSlice = { files: headFiles, ownFiles: headImage.image.ownFiles };
    return { packages: slice.packages, image, findings: await breakingFindings(headSlice, image, headImage) };
  }
}

function unitChanges(
  unit: ProtoPackageUnit,
  base: RevisionImage,
  head: RevisionImage,
  findings: readonly BreakingFinding[],
): SchemaChange[] {
  const baseFiles = base.image.files.filter((f) => base.image.ownFiles.has(f.name) && f.package === unit.protoPackage);
  const names = new Set([...baseFiles.map((f) => f.name), ...unit.files.map((f) => f.name)]);
  const entries = diffSchemas(baseFiles, unit.files);
  const headNames = new Set(unit.files.map((f) => f.name));
  const repoPath = (file: string): string => (headNames.has(file) ? head.repoPath(file) : base.repoPath(file));
  return classifyChanges(
    entries,
    findings.filter((f) => names.has(f.file)),
    repoPath,
  );
}

/**
 * The schema files that differ between two commits (cheap: no compile), read with `workspace`:
 * the .proto files buf compiles at either (Snapshot.listProtoFiles: a change behind a symlink is a
 * change at every module path reaching it) by path and blob, and buf's configuration files.
 */
async function changedSchemaFiles(base: Snapshot, head: Snapshot, workspace: BufWorkspace): Promise<ChangedFile[]> {
  const [baseFiles, headFiles, baseTree, headTree] = await Promise.all([
    base.listProtoFiles(workspace),
    head.listProtoFiles(workspace),
    base.tree(),
    head.tree(),
  ]);
  const changed = changedProtoFiles(baseFiles, headFiles);
  const idOf = (tree: SideTree, file: string): string | undefined => {
    const to = tree.resolve(file);
    return to?.kind === "file" ? tree.entry(to.real)?.id : undefined;
  };
  for (const file of new Set([workspace.configFile, ...workspace.configFiles])) {
    if (idOf(baseTree, file) !== idOf(headTree, file)) changed.push({ path: file, status: "M" });
  }
  return changed;
}
