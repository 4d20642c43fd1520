import type { StubPlan } from "./stub-plan.js";
import type { RenderedPackage } from "./stub-trees.js";
import { writeStamp, type Stamp, type StampedPackage } from "./stamp.js";
import { replacePackages, treeDigest, type FileTree } from "./write-packages.js";

/** Where {@link applyStubPlan} writes, and what the stamp records. */
export interface ApplyTarget {
  outDir: string;
  /** The stamp's file name in outDir, and the run's stamp key. */
  stampFile: string;
  source: string;
  /** The stamp the plan was made against: the record of the packages it did not generate. */
  previous: Stamp | undefined;
}

/**
 * Writes a planned run over fs-safe's crash-safe swap (write-packages.ts): the rendered packages'
 * folders (those whose bytes differ), the removal of packages gone from the module (a full run),
 * then the stamp. Returns the folder names that changed and every selected package.
 */
export async function applyStubPlan(
  plan: StubPlan,
  rendered: ReadonlyMap<string, RenderedPackage>,
  target: ApplyTarget,
): Promise<{ changed: string[]; packages: StampedPackage[] }> {
  const { outDir, previous } = target;
  const trees = new Map<string, FileTree>();
  for (const p of plan.packages) {
    const r = rendered.get(p.unit.npmName);
    if (r) trees.set(p.dir, r.tree);
  }
  const keep = new Set(plan.folders.values());
  const changed = await replacePackages(outDir, trees, plan.prune ? { prune: (name) => !keep.has(name) } : {});
  const packages = plan.packages.map((p): StampedPackage => {
    const r = rendered.get(p.unit.npmName);
    const dependencies = r?.dependencies ?? previous?.packages.find((s) => s.npmName === p.unit.npmName)?.dependencies ?? [];
    return { npmName: p.unit.npmName, protoPackage: p.unit.protoPackage, dir: p.dir, version: p.version, dependencies };
  });
  if (plan.stamped) {
    const digests: Record<string, string> = {};
    for (const p of plan.packages) {
      const r = rendered.get(p.unit.npmName);
      const digest = r ? treeDigest(r.tree) : previous?.digests?.[p.unit.npmName];
      if (digest !== undefined) digests[p.unit.npmName] = digest;
    }
    const units = Object.fromEntries(plan.packages.map((p) => [p.unit.npmName, p.hash]));
    await writeStamp(outDir, target.stampFile, { source: target.source, units, packages, digests });
  }
  return { changed, packages };
}
