import { existsSync } from "node:fs";
import semver from "semver";
import path from "node:path";
import { isNpmScope } from "../config/npm-name.js";
import { checkPackageJsonShape, readPackageJson, scopeOfPackage, type PackageJson } from "../config/package-json.js";
import { ConfigError } from "../errors.js";
import type { GitReader } from "../git/git.js";
import { Snapshot } from "../snapshot/snapshot.js";
import { resolveTarget } from "./target-path.js";

/**
 * What init learns about a repository before deciding what to write: the package manager, who runs
 * git hooks, the release branch and the .proto files. Not a {@link Snapshot}'s model of a side
 * (that is project/project.ts): init runs before protoship.yaml and buf.yaml exist.
 */
export interface RepositorySurvey {
  root: string;
  /** The root package.json, parsed; undefined when there is none. */
  packageJson: PackageJson | undefined;
  packageManager: { name: "npm" | "pnpm"; version: string | undefined };
  /** Who runs git hooks here: husky, lefthook, or git itself (a hook protoship installs). */
  hookManager: "husky" | "lefthook" | "git";
  /** The lefthook config file, when lefthook runs the hooks. */
  lefthookFile: string | undefined;
  /** The branch releases are cut from: the remote's default branch, else main or master, else the current one, else main. */
  defaultBranch: string;
  /** Tracked and untracked-but-not-ignored .proto files, repository-relative, POSIX separators. */
  protoFiles: string[];
}

const LEFTHOOK_FILES = ["lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml"];

/** Surveys the working tree of `repo` (see {@link RepositorySurvey}). */
export async function surveyRepository(repo: GitReader): Promise<RepositorySurvey> {
  const root = repo.root;
  // Refused before it is read: a link out of the repository must not be parsed (or quoted in an error).
  await resolveTarget(root, "package.json", root);
  const read = await readPackageJson(path.join(root, "package.json"), "package.json");
  const packageJson = read === undefined ? undefined : checkPackageJsonShape(read);
  const deps = { ...packageJson?.dependencies, ...packageJson?.devDependencies };
  const lefthookFile = LEFTHOOK_FILES.find((f) => existsSync(path.join(root, f)));
  const hookManager =
    lefthookFile || "lefthook" in deps ? "lefthook" : existsSync(path.join(root, ".husky")) || "husky" in deps ? "husky" : "git";
  // The working tree as every command sees it (one Snapshot): tracked and untracked files git does
  // not ignore, a symlink counted when it leads to a file inside the repository. node_modules is
  // left out even before init ignores it (@grpc/grpc-js ships .proto files there).
  const tree = await Snapshot.worktree(repo).tree();
  const protoFiles = tree
    .paths()
    .filter((f) => f.endsWith(".proto") && !f.split("/").includes("node_modules") && tree.resolve(f)?.kind === "file")
    .sort();
  return {
    root,
    packageJson,
    packageManager: detectPackageManager(root, packageJson),
    hookManager,
    lefthookFile: lefthookFile ?? (hookManager === "lefthook" ? "lefthook.yml" : undefined),
    defaultBranch: await defaultBranch(repo),
    protoFiles,
  };
}

/**
 * The npm scope of generated packages: `--scope`, else the scope of the root package's name, else
 * one made from the repository's folder name (`Acme APIs` → `@acme-apis`).
 */
export function chooseScope(project: RepositorySurvey, flag: string | undefined): string {
  const scope = flag ?? scopeOfPackage(project.packageJson) ?? `@${slug(path.basename(project.root))}`;
  const normalized = scope.startsWith("@") ? scope : `@${scope}`;
  if (!isNpmScope(normalized)) {
    throw new ConfigError(
      `--scope: ${JSON.stringify(scope)} is not an npm scope`,
      "use lower-case letters, digits and - . _ ~, e.g. --scope @acme",
    );
  }
  return normalized;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._~-]+/g, "-")
      .replace(/^[-._~]+|-+$/g, "") || "apis"
  );
}

/**
 * The package manager and its version: package.json's `packageManager` (`pnpm@10.4.1`, an
 * optional `+sha…` hash), else the lock file, else the one running init. A declared version
 * lands in the workflows, so anything but a semver there is a ConfigError; the agent's is used
 * only when it is one.
 */
function detectPackageManager(root: string, pkg: PackageJson | undefined): RepositorySurvey["packageManager"] {
  const field = pkg?.packageManager;
  const declared = field === undefined ? undefined : /^(npm|pnpm|yarn|bun)@(.*)$/s.exec(field);
  if (field !== undefined) {
    const version = declared?.[2]?.replace(/\+[A-Za-z0-9.]+$/, "");
    if (!declared || semver.valid(version ?? "") !== version) {
      throw new ConfigError(
        `package.json: packageManager: expected <name>@<semver version> such as pnpm@10.4.1, found ${JSON.stringify(field.length > 60 ? `${field.slice(0, 60)}…` : field)}`,
      );
    }
    if (declared[1] === "npm" || declared[1] === "pnpm") return { name: declared[1], version };
  }
  const agentMatch = /^(npm|pnpm)\/(\S+)/.exec(process.env.npm_config_user_agent ?? "");
  const agent = agentMatch && semver.valid(agentMatch[2] ?? "") === agentMatch[2] ? agentMatch : null;
  if (existsSync(path.join(root, "pnpm-lock.yaml")) || existsSync(path.join(root, "pnpm-workspace.yaml"))) {
    return { name: "pnpm", version: agent?.[1] === "pnpm" ? agent[2] : undefined };
  }
  if (existsSync(path.join(root, "package-lock.json"))) return { name: "npm", version: undefined };
  return agent?.[1] === "pnpm" ? { name: "pnpm", version: agent[2] } : { name: "npm", version: undefined };
}

/**
 * The release branch, the repository's default: the remote's (origin/HEAD), else an existing main or
 * master (local or on origin), else the current branch, else main. init often runs on an adoption
 * branch, which is not where releases are cut. A name git would not accept as a branch is skipped
 * (it lands in the workflows).
 */
async function defaultBranch(repo: GitReader): Promise<string> {
  const remoteHead = await repo.symbolicRef("refs/remotes/origin/HEAD");
  const candidates = [remoteHead?.replace(/^origin\//, "")];
  for (const name of ["main", "master"]) {
    for (const ref of [`refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
      if (await repo.resolveCommit(ref)) candidates.push(name);
    }
  }
  candidates.push(await repo.currentBranch());
  for (const name of candidates) if (name && (await isBranchName(repo, name))) return name;
  return "main";
}

/** Whether git accepts `name` as a branch name (`git check-ref-format --branch`, no `@{-N}` forms). */
export async function isBranchName(repo: GitReader, name: string): Promise<boolean> {
  if (name.startsWith("-") || name.includes("@{") || /[\s\x00-\x1f\x7f]/.test(name)) return false;
  return repo.branchNameAccepted(name);
}
