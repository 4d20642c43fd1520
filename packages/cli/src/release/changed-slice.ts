/**
 * Which part of the schema a release plan must compare, from the files git says differ between a
 * release's commit and HEAD: pure, tested on data (release plan's I/O is in plan.ts).
 */

/** A schema file that differs between the base commit and HEAD (`git diff --name-status --no-renames`). */
export interface ChangedFile {
  /** Repository path. */
  path: string;
  /** git's status letter: A (only at HEAD), D (only at the base), M, T. */
  status: string;
}

/** What the selection reads of a compiled file (a FileDescriptorProto). */
export interface SliceFile {
  /** Module-relative name, as images name files. */
  name: string;
  package: string;
  /** Module-relative names of the files it imports. */
  dependency: readonly string[];
}

/** A unit as the selection sees it. */
export interface SliceUnit {
  protoPackage: string;
  files: readonly { name: string }[];
}

/** The units to compare and the files to compile at the base for them. */
export interface Slice {
  /** Proto packages whose files, or whose imports' files, differ: only these need a diff. */
  packages: Set<string>;
  /** Repository paths to compile at the base: every base file of those packages and every changed file the base has. */
  basePaths: string[];
}

/**
 * The units among `candidates` (proto packages) that can have changed: those holding a changed
 * file at HEAD, those importing one (transitively), and `alsoChanged` (packages a changed file
 * had at the base, known once the base slice is compiled: see {@link missedPackages}). The base
 * files of such a unit are its HEAD files that exist at the base (unchanged ones keep their
 * package) plus the changed files the base has, so the base slice holds all of them.
 *
 * @param head every file of the HEAD image (imports included)
 * @param repoPath a module-relative name at HEAD as a repository path
 */
export function changedSlice(
  head: readonly SliceFile[],
  units: readonly SliceUnit[],
  changed: readonly ChangedFile[],
  repoPath: (name: string) => string,
  candidates: ReadonlySet<string>,
  alsoChanged: ReadonlySet<string> = new Set(),
): Slice {
  const byRepoPath = new Map<string, SliceFile>();
  const importers = new Map<string, SliceFile[]>();
  for (const file of head) {
    byRepoPath.set(repoPath(file.name), file);
    for (const dep of file.dependency) {
      const list = importers.get(dep);
      if (list) list.push(file);
      else importers.set(dep, [file]);
    }
  }
  const packages = new Set<string>([...alsoChanged].filter((p) => candidates.has(p)));
  const seen = new Set<string>();
  const queue = changed.flatMap((c) => (c.status === "D" ? [] : [byRepoPath.get(c.path)].filter((f) => f !== undefined)));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file.name)) continue;
    seen.add(file.name);
    if (candidates.has(file.package)) packages.add(file.package);
    queue.push(...(importers.get(file.name) ?? []));
  }
  const onlyAtHead = new Set(changed.filter((c) => c.status === "A").map((c) => c.path));
  const basePaths = new Set(changed.filter((c) => c.status !== "A").map((c) => c.path));
  for (const unit of units) {
    if (!packages.has(unit.protoPackage)) continue;
    for (const f of unit.files) {
      const p = repoPath(f.name);
      if (!onlyAtHead.has(p)) basePaths.add(p);
    }
  }
  return { packages, basePaths: [...basePaths].sort() };
}

/**
 * The check that nothing was missed: the packages among `candidates` that a compiled base file
 * of the slice belongs to but the slice does not compare (a changed file that moved from one
 * package to another). Empty means the slice is complete; otherwise select again with them.
 */
export function missedPackages(baseOwnFiles: readonly { package: string }[], slice: Slice, candidates: ReadonlySet<string>): Set<string> {
  return new Set(baseOwnFiles.map((f) => f.package).filter((p) => candidates.has(p) && !slice.packages.has(p)));
}

/**
 * The HEAD files buf breaking needs to compare a slice: the compared units' files, the HEAD
 * versions of the base slice's files, and everything they import, in the image's order.
 */
export function headSliceFiles<F extends SliceFile>(head: readonly F[], roots: Iterable<string>): F[] {
  const byName = new Map(head.map((f) => [f.name, f]));
  const keep = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    const file = byName.get(name);
    if (!file || keep.has(name)) continue;
    keep.add(name);
    queue.push(...file.dependency);
  }
  return head.filter((f) => keep.has(f.name));
}
