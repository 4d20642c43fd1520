import { SCHEMA_PATHSPECS as RELEVANT_PATHSPECS } from "../workspace/schema-inputs.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { EnvironmentError } from "../errors.js";
import type { GitRepo } from "../git/git.js";
import { protoPackageUnits, type ProtoPackageUnit } from "../schema/proto-packages.js";
import { breakingFindings, type BreakingFinding } from "./breaking.js";
import { classifyChanges, severityOf, sortChanges, type SchemaChange } from "./classify.js";
import { imageAtCommit, type RevisionImage } from "./revision-image.js";
import { diffSchemas } from "./schema-diff.js";
import { latestByName, listReleaseTags, type ReleaseTag } from "./tags.js";
import { caretCompatible, isUnstablePackage, nextVersion, type Bump } from "./version-rules.js";

/** The release of one unit (one proto package, one npm package). */
export interface PackagePlan {
  /** npm name, e.g. `@mesh/probe-v1`. */
  name: string;
  protoPackage: string;
  /** Last released version, null before the first release. */
  current: string | null;
  /** Version to release, null when nothing changed. */
  next: string | null;
  bump: Bump;
  /** Every change since the last release: the changelog. */
  changes: SchemaChange[];
  /** npm names of the units this one imports. */
  dependsOn: string[];
  /** The tag `current` came from. */
  lastTag: ReleaseTag | undefined;
  unit: ProtoPackageUnit;
}

/** What `release plan` computes; `packages` is in dependency order (imported units first). */
export interface ReleasePlan {
  head: string;
  packages: PackagePlan[];
}

/**
 * Plans the next release of every unit at HEAD: finds each unit's last release tag reachable from
 * HEAD, diffs the unit's descriptors at that tag against HEAD, lets `buf breaking` (with
 * buf.yaml's rules at HEAD) decide what is breaking, and applies the version rules. Schemas are
 * read only through compiled descriptors, compiled from git objects (the committed HEAD, never
 * the working tree). `config` should be HEAD's too (see configAtCommit).
 */
export async function computePlan(repo: GitRepo, config: ProtoshipConfig): Promise<ReleasePlan> {
  const head = await repo.resolveCommit("HEAD");
  if (!head) throw new EnvironmentError("the repository has no commits yet", "commit the schema first");
  const headImage = await imageAtCommit(repo, head, config.bufYaml, "HEAD");
  const units = dependencyOrder(protoPackageUnits(headImage.image, config));
  const latest = latestByName(await listReleaseTags(repo, config.release.tagFormat, { mergedInto: head }));
  const breakingRules = headImage.workspace.modules[0]?.breaking ?? {};

  // One compile and one `buf breaking` per distinct base commit, shared by the units released there.
  const bases = new Map<string, Promise<{ image: RevisionImage; findings: BreakingFinding[] } | undefined>>();
  const baseOf = (tag: ReleaseTag): Promise<{ image: RevisionImage; findings: BreakingFinding[] } | undefined> => {
    let p = bases.get(tag.commit);
    if (!p) {
      p = (async () => {
        if (tag.commit === head || !(await schemaDiffers(repo, tag.commit, head))) return undefined;
        const image = await imageAtCommit(repo, tag.commit, config.bufYaml, `tag ${tag.tag}`);
        return { image, findings: await breakingFindings(headImage.image, image.image, breakingRules) };
      })();
      bases.set(tag.commit, p);
    }
    return p;
  };

  const byProtoPackage = new Map<string, PackagePlan>();
  const packages: PackagePlan[] = [];
  for (const unit of units) {
    const lastTag = latest.get(unit.npmName);
    let changes: SchemaChange[];
    if (!lastTag) {
      changes = unit.files.map((f) => ({ kind: "additive" as const, message: `added file \`${f.name}\``, file: headImage.repoPath(f.name), line: null }));
    } else {
      const base = await baseOf(lastTag);
      changes = base ? unitChanges(unit, base.image, headImage, base.findings) : [];
    }
    // A dependency moving to a version outside `^current` must be picked up by a new release.
    for (const dep of unit.dependsOn) {
      const d = byProtoPackage.get(dep);
      if (lastTag && d?.current && d.next && !caretCompatible(d.current, d.next)) {
        changes.push({ kind: "dependency", message: `updated dependency \`${d.name}\` to ${d.next}`, file: headImage.repoPath(unit.files[0]!.name), line: null });
      }
    }
    sortChanges(changes);
    const current = lastTag?.version ?? null;
    const { bump, next } = nextVersion(current, severityOf(changes), isUnstablePackage(unit.protoPackage));
    const plan: PackagePlan = {
      name: unit.npmName,
      protoPackage: unit.protoPackage,
      current,
      next,
      bump,
      changes,
      dependsOn: unit.dependsOn.map((p) => units.find((u) => u.protoPackage === p)?.npmName ?? p),
      lastTag,
      unit,
    };
    byProtoPackage.set(unit.protoPackage, plan);
    packages.push(plan);
  }
  return { head, packages };
}

function unitChanges(unit: ProtoPackageUnit, base: RevisionImage, head: RevisionImage, findings: readonly BreakingFinding[]): SchemaChange[] {
  const baseFiles = base.image.files.filter((f) => base.image.ownFiles.has(f.name) && f.package === unit.protoPackage);
  const names = new Set([...baseFiles.map((f) => f.name), ...unit.files.map((f) => f.name)]);
  const entries = diffSchemas(baseFiles, unit.files);
  const headNames = new Set(unit.files.map((f) => f.name));
  const repoPath = (file: string): string => (headNames.has(file) ? head.repoPath(file) : base.repoPath(file));
  return classifyChanges(entries, findings.filter((f) => names.has(f.file)), repoPath);
}

/** Whether any .proto or buf file differs between two commits (cheap: no compile). */
async function schemaDiffers(repo: GitRepo, a: string, b: string): Promise<boolean> {
  const out = await repo.raw(["diff", "--name-only", "--no-renames", "--no-ext-diff", a, b, "--", ...RELEVANT_PATHSPECS]);
  return out.trim().length > 0;
}

/** Sorts units so every unit comes after the units it imports (ties by proto package). */
export function dependencyOrder(units: readonly ProtoPackageUnit[]): ProtoPackageUnit[] {
  const byName = new Map(units.map((u) => [u.protoPackage, u]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: ProtoPackageUnit[] = [];
  const visit = (u: ProtoPackageUnit): void => {
    if (done.has(u.protoPackage) || visiting.has(u.protoPackage)) return; // protoc forbids cycles
    visiting.add(u.protoPackage);
    for (const dep of u.dependsOn) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    visiting.delete(u.protoPackage);
    done.add(u.protoPackage);
    out.push(u);
  };
  for (const u of [...units].sort((a, b) => a.protoPackage.localeCompare(b.protoPackage))) visit(u);
  return out;
}
