import { lstat, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../errors.js";

/** Where a planned file really goes, after every symlink on its way was checked. */
export interface ResolvedTarget {
  /** The absolute path written (the real file a link inside the area points to). */
  abs: string;
  /** Folders that do not exist yet and would be created for it, outermost first. */
  missingDirs: string[];
}

/**
 * Resolves `rel` under `base` for writing, refusing (exit 2, naming the link) any symbolic link on
 * the way — a parent folder or the file itself — that leads outside `area` (the repository), and
 * any path whose file is a folder or whose folder is a file. A link that stays inside `area` is
 * followed, so the file it points to is written and the link stays a link.
 */
export async function resolveTarget(base: string, rel: string, area: string): Promise<ResolvedTarget> {
  const realArea = await realpath(area);
  let current = await realpath(base);
  const parts = rel.split("/").filter(Boolean);
  const missingDirs: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const shown = parts.slice(0, i + 1).join("/");
    const next = path.join(current, parts[i]!);
    const last = i === parts.length - 1;
    const info = await lstat(next).catch(() => undefined);
    if (!info) {
      if (!last) missingDirs.push(next);
      current = next;
      continue;
    }
    if (info.isSymbolicLink()) {
      const target = path.resolve(path.dirname(next), await readlink(next));
      const real = await realpath(next).catch(() => undefined);
      const resolved = real ?? target;
      const intoGit = inside(path.join(realArea, ".git"), resolved) && !inside(path.join(realArea, ".git"), path.join(realArea, rel));
      if (!inside(realArea, resolved) || intoGit) {
        throw new ConfigError(
          `${shown} is a symbolic link to ${target}, ${intoGit ? "inside .git" : "outside the repository"}: protoship init writes only inside the repository`,
          `replace the link ${shown} with a real ${last ? "file" : "folder"} (or remove it), then rerun protoship init`,
        );
      }
      if (!real) {
        // A dangling link inside the repository: writing would create its target.
        throw new ConfigError(
          `${shown} is a symbolic link to ${target}, which does not exist`,
          `remove the link ${shown} or create its target`,
        );
      }
      current = real;
    } else {
      current = next;
    }
    const kind = await lstat(current);
    if (last && kind.isDirectory()) {
      throw new ConfigError(
        `${shown} is a folder: protoship init writes a file there`,
        `move the folder ${shown} away, then rerun protoship init`,
      );
    }
    if (!last && !kind.isDirectory()) {
      throw new ConfigError(
        `${shown} is a file: protoship init writes ${rel} inside a folder of that name`,
        `move ${shown} away, then rerun protoship init`,
      );
    }
  }
  return { abs: current, missingDirs };
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}
