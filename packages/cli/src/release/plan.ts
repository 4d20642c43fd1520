import { moduleOf, type BufWorkspace } from "../buf/buf-config.js";
import { moduleRelative } from "../buf/module-paths.js";
import { InternalError } from "../errors.js";
import { gitIgnores } from "../git/files.js";
import { changedProtoFiles, type ProtoFile, type SideTree } from "../snapshot/file-set.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { Project, type RevisionProject } from "../project/project.js";
import { protoPackageUnits, type ProtoPackageUnit, type UnitFile } from "../schema/proto-packages.js";
import { assemblePlan, type PackagePlan as AssembledPackagePlan, type ReleasePlan as AssembledReleasePlan } from "./assemble-plan.js";
import { breakingFindings, type BreakingFinding } from "./breaking.js";
import { changedSlice, headSliceFiles, missedPackages, type ChangedFile } from "./changed-slice.js";
import { classifyChanges, type SchemaChange } from "./classify.js";
import type { RevisionImage } from "../snapshot/revision-image.js";
import { FACTS_PATH, readFileFacts, writeFileFacts, type FileFacts } from "./file-facts.js";
import { diffSchemas } from "./schema-diff.js";
import { latestByName, listReleaseTags, type ReleaseTag } from "./tags.js";

/** The release of one unit (one proto package, one npm package); its files are named with their package and imports. */
export type PackagePlan = AssembledPackagePlan<ProtoPackageUnit<UnitFile>>;

/** What `release plan` computes; `packages` is in dependency order (imported units first). */
export type ReleasePlan = AssembledReleasePlan<ProtoPackageUnit<UnitFile>>;

/**
 * Plans the next release of every unit at HEAD: finds each unit's last release tag reachable from
 * HEAD, diffs the unit's descriptors at that tag against HEAD, lets `buf breaking` (with
 * buf.yaml's rules at HEAD) decide what is breaking, then hands that data to assemblePlan, which
 * applies the version rules (assemble-plan.ts: pure, no I/O). Schemas are
 * read only through compiled descriptors, compiled from git objects (the committed HEAD, never
 * the working tree), with HEAD's protoship.yaml (`at`, opened by the command).
 *
 * Only what can have changed is compiled: the units are listed from each file's package and
 * imports (see headListing: known without a compile for files seen before), and only the units
 * whose files (or imports' files) differ since their tag's commit are compiled, on both sides
 * (see sliceAtBase). With no .proto file changed since the tags, and every file seen before,
 * nothing is compiled at all.
 */
export async function computePlan(at: RevisionProject): Promise<ReleasePlan> {
  const { repo, config, commit: head } = at;
  const workspace = await at.workspace();
  const latest = latestByName(await listReleaseTags(repo, config.release.tagFormat, { mergedInto: head }));
  const listing = await headListing(at, workspace);
  const units = protoPackageUnits(listing, config, await at.stubScope());

  // Per distinct base commit, the units released there that can differ, compiled at the base.
  const slices: BaseSlice[] = [];
  const tagAt = new Map<string, ReleaseTag>();
  for (const tag of latest.values()) if (tag.commit !== head && !tagAt.has(tag.commit)) tagAt.set(tag.commit, tag);
  const deleted = new Set<string>();
  for (const [commit, tag] of tagAt) {
    const releasedThere = new Set(units.filter((u) => latest.get(u.npmName)?.commit === commit).map((u) => u.protoPackage));
    if (releasedThere.size === 0) continue;
    const compared = await sliceAtBase(at.at(commit, `tag ${tag.tag}`), at, workspace, listing, units, releasedThere);
    if (compared.slice) slices.push(compared.slice);
    for (const name of compared.deleted) deleted.add(name);
  }
  // An unchanged file importing a deleted one no longer compiles: HEAD's compile must include it to say so.
  const dangling = listing.files.filter((f) => f.dependency.some((d) => deleted.has(d))).map((f) => f.name);

  // One HEAD compile for every comparison: the compared units' files and their imports.
  const headImage = slices.length > 0 || dangling.length > 0 ? await headDescriptors(at, workspace, listing, slices, dangling) : undefined;
  const changes = new Map<string, SchemaChange[]>();
  for (const slice of slices) {
    const roots = slice.headRoots === "all" ? listing.files.map((f) => f.name) : slice.headRoots;
    const headSlice = { files: headSliceFiles(headImage!.image.files, roots), ownFiles: headImage!.image.ownFiles };
    const findings = await breakingFindings(headSlice, slice.image, headImage!);
    for (const unit of units) {
      if (slice.packages.has(unit.protoPackage))
        changes.set(unit.protoPackage, unitChanges(unit, slice.image, headImage!, listing, findings));
    }
  }

  return assemblePlan({
    head,
    units,
    lastRelease: latest,
    changes,
    repoPath: listing.repoPath,
    generator: { head: config.stubs.generator, atRelease: await generatorsAtRelease(at, latest) },
  });
}

/** The stub generator each released unit was released with (its tag's protoship.yaml), by npm name; read once per commit. */
async function generatorsAtRelease(at: RevisionProject, latest: ReadonlyMap<string, ReleaseTag>): Promise<Map<string, string>> {
  const generators = new Map<string, Promise<string | undefined>>();
  const generatorAt = (commit: string): Promise<string | undefined> => {
    let g = generators.get(commit);
    if (!g) {
      // A tag whose protoship.yaml today's protoship cannot read says nothing about its generator.
      g = Project.atRevision(at.repo, commit, `commit ${commit}`).then(
        (r) => r.config.stubs.generator,
        () => undefined,
      );
      generators.set(commit, g);
    }
    return g;
  };
  const atRelease = new Map<string, string>();
  for (const [name, tag] of latest) {
    const generator = await generatorAt(tag.commit);
    if (generator) atRelease.set(name, generator);
  }
  return atRelease;
}

/** The .proto files at HEAD with their package and imports: what lists the units and finds importers. */
interface HeadListing {
  /** Every file buf compiles at HEAD, by module-relative name (sorted). */
  files: UnitFile[];
  ownFiles: Set<string>;
  repoPath: (moduleFile: string) => string;
  /** The compile that gave the facts no cache had, if one ran; `whole` when it was of every file. */
  compiled?: { image: RevisionImage; whole: boolean };
}

/**
 * Lists HEAD's files (Snapshot.listProtoFiles: no compile) with each file's package and imports.
 * Those are facts of the file's bytes (see FileFacts), so a file whose blob an earlier plan saw is
 * not compiled again; only the others are, with buf's --path (the whole module when no file
 * was seen before). The facts of HEAD's files are then cached for the next plan.
 */
async function headListing(at: RevisionProject, workspace: BufWorkspace): Promise<HeadListing> {
  const protoFiles = await at.snapshot.listProtoFiles(workspace);
  const byName = new Map(protoFiles.map((f) => [moduleRelative(moduleOf(workspace, f.path)!, f.path), f]));
  const cached = await readFileFacts(at.repo.root);
  const known = (f: ProtoFile): boolean => f.id !== undefined && cached.has(f.id);
  const missing = protoFiles.filter((f) => !known(f));
  const learned = new Map<string, FileFacts>();
  let compiled: HeadListing["compiled"];
  const learn = (image: RevisionImage): void => {
    for (const d of image.image.files) {
      const id = byName.get(d.name)?.id;
      if (id) learned.set(id, { package: d.package, dependency: d.dependency });
    }
  };
  if (missing.length > 0) {
    const whole = missing.length === protoFiles.length;
    compiled = { image: whole ? await at.image() : await at.imageOf(missing.map((f) => f.path)), whole };
    learn(compiled.image);
    if (!compiled.whole && missing.some((f) => !learned.has(f.id!))) {
      compiled = { image: await at.image(), whole: true };
      learn(compiled.image);
    }
  }
  const factsOf = (f: ProtoFile): FileFacts | undefined => (f.id === undefined ? undefined : (learned.get(f.id) ?? cached.get(f.id)));
  const files: UnitFile[] = [];
  for (const [name, f] of [...byName].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const facts = factsOf(f);
    if (!facts) throw new InternalError(`release plan: buf compiled no ${f.path} at ${at.label}, which the file set lists`);
    files.push({ name, package: facts.package, dependency: facts.dependency });
  }
  if (learned.size > 0 && (await gitIgnores(at.repo.root, FACTS_PATH))) {
    await writeFileFacts(at.repo.root, new Map(protoFiles.map((f) => [f.id!, factsOf(f)!])));
  }
  const paths = new Map([...byName].map(([name, f]) => [name, f.path]));
  return { files, ownFiles: new Set(byName.keys()), repoPath: (name) => paths.get(name) ?? name, ...(compiled ? { compiled } : {}) };
}

/** A base commit's side of a comparison: the units that can differ, the base compiled for them, the HEAD files to compare. */
interface BaseSlice {
  packages: ReadonlySet<string>;
  image: RevisionImage;
  /** Module-relative names at HEAD whose descriptors the comparison needs (with their imports), or every file. */
  headRoots: readonly string[] | "all";
}

/**
 * The comparison of HEAD with `base` (a release tag's commit) for the units released there
 * (`candidates`): compiles at the base only the files of the units that can differ (see
 * changedSlice), and checks the compiled slice for a package it missed (see missedPackages)
 * before trusting it. A change to buf's configuration compares every candidate, whole.
 * No slice when no schema file differs, or none of the candidates can; `deleted` names (module-relative)
 * the files deleted since the base.
 */
async function sliceAtBase(
  base: RevisionProject,
  head: RevisionProject,
  workspace: BufWorkspace,
  listing: HeadListing,
  units: readonly ProtoPackageUnit<UnitFile>[],
  candidates: ReadonlySet<string>,
): Promise<{ slice?: BaseSlice; deleted: string[] }> {
  // Files outside the modules are not compiled on either side.
  const changed = await changedSchemaFiles(base.snapshot, head.snapshot, workspace);
  const deleted = changed.flatMap((c) => {
    const module = c.status === "D" ? moduleOf(workspace, c.path) : undefined;
    return module ? [moduleRelative(module, c.path)] : [];
  });
  if (changed.length === 0) return { deleted };
  if (changed.some((c) => !c.path.endsWith(".proto")))
    return { slice: { packages: candidates, image: await base.image(), headRoots: "all" }, deleted };
  let slice = changedSlice(listing.files, units, changed, listing.repoPath, candidates);
  for (;;) {
    // A deleted file's package is known only once the base is compiled: compiled alone, it is found as missed.
    if (slice.basePaths.length === 0) return { deleted };
    const image = await base.imageOf(slice.basePaths);
    const own = image.image.files.filter((f) => image.image.ownFiles.has(f.name));
    const missed = missedPackages(own, slice, candidates);
    if (missed.size > 0) {
      slice = changedSlice(listing.files, units, changed, listing.repoPath, candidates, new Set([...slice.packages, ...missed]));
      continue;
    }
    if (slice.packages.size === 0) return { deleted };
    const compared = units.filter((u) => slice.packages.has(u.protoPackage)).flatMap((u) => u.files.map((f) => f.name));
    const headRoots = [...new Set([...compared, ...own.map((f) => f.name)])].filter((name) => listing.ownFiles.has(name)).sort();
    return { slice: { packages: slice.packages, image, headRoots }, deleted };
  }
}

/**
 * HEAD compiled for `slices`: their roots (and `alsoRoots`) and what those import, with buf's --path; the compile
 * that listed the files when it holds every root as the module's own (an import is not compared
 * by buf breaking), or the whole module when a comparison is of every file.
 */
async function headDescriptors(
  at: RevisionProject,
  workspace: BufWorkspace,
  listing: HeadListing,
  slices: readonly BaseSlice[],
  alsoRoots: readonly string[],
): Promise<RevisionImage> {
  const all = slices.some((s) => s.headRoots === "all");
  const roots = all ? [] : [...new Set([...slices.flatMap((s) => s.headRoots as readonly string[]), ...alsoRoots])].sort();
  const { compiled } = listing;
  if (compiled && (compiled.whole || (!all && roots.every((r) => compiled.image.image.ownFiles.has(r))))) return compiled.image;
  if (all) return at.image();
  // Only deleted packages to compare: HEAD has nothing of them (and an empty --path list would compile everything).
  if (roots.length === 0) return { image: { files: [], ownFiles: new Set() }, workspace, repoPath: listing.repoPath };
  return at.imageOf(roots.map(listing.repoPath));
}

function unitChanges(
  unit: ProtoPackageUnit<UnitFile>,
  base: RevisionImage,
  head: RevisionImage,
  listing: HeadListing,
  findings: readonly BreakingFinding[],
): SchemaChange[] {
  const baseFiles = base.image.files.filter((f) => base.image.ownFiles.has(f.name) && f.package === unit.protoPackage);
  const headNames = new Set(unit.files.map((f) => f.name));
  const headFiles = head.image.files.filter((f) => headNames.has(f.name));
  const names = new Set([...baseFiles.map((f) => f.name), ...headNames]);
  const entries = diffSchemas(baseFiles, headFiles);
  const repoPath = (file: string): string => (headNames.has(file) ? listing.repoPath(file) : base.repoPath(file));
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
