import { realpathSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";

/** What a path from configuration or a flag is used for, which decides what it may point at. */
export interface RepoPathRule {
  /** How the value is named in messages, e.g. `docs.outDir` or `--out`. */
  label: string;
  /** An output folder protoship replaces: may not be the repository root itself. Default false. */
  output?: boolean;
}

/**
 * Resolves a path taken from protoship.yaml or a flag against the repository root and refuses
 * anything that leaves the repository (`..`, an absolute path elsewhere, a symlink pointing out)
 * or points into `.git`. Output folders may not be the root itself either.
 *
 * @example
 * resolveRepoPath("/repo", "site", { label: "docs.outDir", output: true }); // "/repo/site"
 * resolveRepoPath("/repo", "..", { label: "docs.outDir" }); // throws ConfigError
 */
export function resolveRepoPath(root: string, value: string, rule: RepoPathRule): string {
  if (value.includes("\0")) throw new ConfigError(`${rule.label}: ${JSON.stringify(value)} is not a path`);
  const realRoot = realpathOrSelf(root);
  const resolved = path.resolve(root, value);
  // Follow symlinks along the part of the path that exists, so `out -> /tmp` is seen for what it is.
  const real = realpathOfExistingPrefix(resolved);
  const relative = path.relative(realRoot, real);
  const outside = relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (outside) {
    throw new ConfigError(`${rule.label}: ${JSON.stringify(value)} is outside the repository`, "use a path inside the repository");
  }
  const first = relative.split(path.sep)[0] ?? "";
  if (first.toLowerCase() === ".git") {
    throw new ConfigError(`${rule.label}: ${JSON.stringify(value)} points into .git`, "use a path inside the repository, outside .git");
  }
  if (rule.output && relative === "") {
    throw new ConfigError(
      `${rule.label}: ${JSON.stringify(value)} is the repository root; protoship replaces this folder`,
      "use a folder of its own, e.g. site",
    );
  }
  return path.join(realRoot, relative);
}

/**
 * The repository-relative, normalised form of a path from configuration when no file system is at
 * hand (a side read from git objects): refuses what `..` or an absolute path takes out of the
 * repository and what points into `.git`, with {@link resolveRepoPath}'s messages.
 *
 * @example
 * repoRelativePath("./proto/buf.yaml", { label: "bufYaml" }); // "proto/buf.yaml"
 * repoRelativePath("../x/buf.yaml", { label: "bufYaml" }); // throws ConfigError
 */
export function repoRelativePath(value: string, rule: RepoPathRule): string {
  if (value.includes("\0")) throw new ConfigError(`${rule.label}: ${JSON.stringify(value)} is not a path`);
  const normal = path.posix.normalize(value.split(path.sep).join("/")).replace(/^\.\//, "");
  if (normal === ".." || normal.startsWith("../") || path.posix.isAbsolute(normal)) {
    throw new ConfigError(`${rule.label}: ${JSON.stringify(value)} is outside the repository`, "use a path inside the repository");
  }
  if ((normal.split("/")[0] ?? "").toLowerCase() === ".git") {
    throw new ConfigError(`${rule.label}: ${JSON.stringify(value)} points into .git`, "use a path inside the repository, outside .git");
  }
  return normal;
}

function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** realpath of the longest existing prefix of `p`, with the rest appended unchanged. */
function realpathOfExistingPrefix(p: string): string {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}
