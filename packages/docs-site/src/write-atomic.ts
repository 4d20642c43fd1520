import { mkdtemp, rename, rm, stat } from "node:fs/promises";
import path from "node:path";

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fills a fresh temp directory beside `outDir` via `fill`, then swaps it into place with renames.
 * If `fill` throws, the temp directory is removed and `outDir` is untouched. The swap is two
 * renames (old aside, new in), so for a moment `outDir` is absent, but it is never half-written.
 */
export async function replaceDirAtomically(outDir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const tmp = await mkdtemp(path.join(parent, `.${base}.tmp-`));
  try {
    await fill(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  let old: string | undefined;
  try {
    if (await exists(target)) {
      old = `${await mkdtemp(path.join(parent, `.${base}.old-`))}`;
      await rm(old, { recursive: true, force: true });
      await rename(target, old);
    }
    await rename(tmp, target);
  } catch (err) {
    if (old && !(await exists(target))) await rename(old, target).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  if (old) await rm(old, { recursive: true, force: true });
}
