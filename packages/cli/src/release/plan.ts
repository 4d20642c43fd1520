import type { BufWorkspace } from "../buf/buf-config.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { RevisionProject } from "../project/revision.js";
import { protoPackageUnits, type ProtoPackageUnit } from "../schema/proto-packages.js";
import { assemblePlan, type PackagePlan as AssembledPackagePlan, type ReleasePlan as AssembledReleasePlan } from "./assemble-plan.js";
import { breakingFindings, type BreakingFinding } from "./breaking.js";
import { classifyChanges, type SchemaChange } from "./classify.js";
import type { RevisionImage } from "../workspace/revision-image.js";
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
 * buf.yaml's rules at HEAD) decide what is breaking, then hands that data to assemblePlan, which
 * applies the version rules (assemble-plan.ts: pure, no I/O). Schemas are
 * read only through compiled descriptors, compiled from git objects (the committed HEAD, never
 * the working tree), with HEAD's protoship.yaml (`at`, opened by the command).
 */
export async function computePlan(at: RevisionProject): Promise<ReleasePlan> {
  const { repo, config, commit: head } = at;
  const headImage = await at.image();
  const units = protoPackageUnits(headImage.image, config, await at.stubScope());
  const latest = latestByName(await listReleaseTags(repo, config.release.tagFormat, { mergedInto: head }));
  const breakingRules = headImage.workspace.modules[0]?.breaking ?? {};

  // One compile and one `buf breaking` per distinct base commit, shared by the units released there.
  const bases = new Map<string, Promise<{ image: RevisionImage; findings: BreakingFinding[] } | undefined>>();
  const baseOf = (tag: ReleaseTag): Promise<{ image: RevisionImage; findings: BreakingFinding[] } | undefined> => {
    let p = bases.get(tag.commit);
    if (!p) {
      p = (async () => {
        const base = at.at(tag.commit, `tag ${tag.tag}`);
        if (tag.commit === head || !(await schemaDiffers(base.snapshot, at.snapshot, headImage.workspace))) return undefined;
        const image = await base.image();
        return { image, findings: await breakingFindings(headImage.image, image.image, breakingRules) };
      })();
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
      g = RevisionProject.open(repo, commit, `commit ${commit}`).then(
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
    if (base) changes.set(unit.protoPackage, unitChanges(unit, base.image, headImage, base.findings));
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
 * Whether the schema differs between two commits (cheap: no compile): the .proto files buf
 * compiles at either (with what symlinks lead to) or buf's configuration, read with `workspace`.
 */
async function schemaDiffers(a: Snapshot, b: Snapshot, workspace: BufWorkspace): Promise<boolean> {
  const [keyA, keyB] = await Promise.all([a.schemaKey(workspace), b.schemaKey(workspace)]);
  return keyA !== keyB;
}
