import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import { loadConfig } from "../config/load-config.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { EnvironmentError, ProtoshipError } from "../errors.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { GitRepo, type GitReader } from "../git/git.js";
import type { RevisionImage } from "../snapshot/revision-image.js";
import { Snapshot } from "../snapshot/snapshot.js";

/** A project opened in a git repository (see {@link Project.open}). */
export type RepoProject = Project & { readonly repo: GitRepo };

/**
 * The project as committed at one revision (see {@link Project.atRevision}, {@link Project.at}):
 * everything it reads comes from git objects, so ignored, untracked and modified working-tree
 * files never count. Its configuration is the revision's own protoship.yaml or, for a schema
 * compared against another revision, that revision's.
 */
export type RevisionProject = Project & { readonly repo: GitReader; readonly commit: string };

/**
 * What one command works on, opened once and passed down: one {@link Snapshot} of a side (the
 * working tree, a commit, a plain folder) with the configuration that goes with it, and (read on
 * first use, then memoised) the stub scope, the buf workspace and the compiled schema. Every side
 * is the same model: check, generate, docs and release take a Project over any Snapshot. The
 * workspace is lazy because `check --pre-push` on a push without .proto changes must neither read
 * buf.yaml nor load yaml.
 */
export class Project {
  /**
   * The git repository; undefined for a folder that only looks like one (a release commit's tree).
   * A revision's project only reads it ({@link RevisionProject}: a GitReader).
   */
  readonly repo: GitReader | undefined;
  /** Absolute path of the repository root (or of the folder standing in for it). */
  readonly root: string;
  readonly config: ProtoshipConfig;
  /** The files the project's commands read: the working tree as git sees it, a commit's, or the folder's. */
  readonly snapshot: Snapshot;
  private bufWorkspace: Promise<BufWorkspace> | undefined;
  private compiled: Promise<RevisionImage> | undefined;
  private readonly scopeSource: () => Promise<string | undefined>;
  private scope: Promise<string | undefined> | undefined;

  private constructor(
    root: string,
    repo: GitReader | undefined,
    config: ProtoshipConfig,
    snapshot: Snapshot,
    scope?: () => Promise<string | undefined>,
  ) {
    this.root = root;
    this.repo = repo;
    this.config = config;
    this.snapshot = snapshot;
    this.scopeSource = scope ?? (() => stubScopeOf(config, () => readPackageJsonText(path.join(root, "package.json"))));
  }

  /**
   * Opens the repository containing `cwd` (its root comes from git) and reads its protoship.yaml.
   * `listFiles`: a command that reads the schema in any case has git list the working tree while
   * the configuration is read and validated.
   */
  static async open(cwd: string, options: { listFiles?: boolean } = {}): Promise<RepoProject> {
    return Project.ofRepo(await GitRepo.open(cwd), options);
  }

  /** {@link Project.open} for a repository already opened (a command that reads protoship.yaml only when it needs it). */
  static async ofRepo(repo: GitRepo, options: { listFiles?: boolean } = {}): Promise<RepoProject> {
    const snapshot = Snapshot.worktree(repo);
    // Its failure is the snapshot's first reader's to report (a failed configuration is reported first).
    if (options.listFiles) snapshot.tree().catch(() => undefined);
    return new Project(repo.root, repo, await loadConfig(repo.root), snapshot) as RepoProject;
  }

  /**
   * A folder that is not a repository but holds one's files (e.g. the tree of a release commit):
   * `folder` itself is the root, protoship.yaml is read from it.
   */
  static async ofFolder(folder: string): Promise<Project> {
    const root = path.resolve(folder);
    return new Project(root, undefined, await loadConfig(root), Snapshot.folder(root));
  }

  /**
   * A revision's schema (read from git objects only, never written to disk) with its configuration
   * and stub scope, for work done in `folder` (e.g. publish building the stubs of a release commit).
   */
  static ofRevision(folder: string, revision: RevisionProject): Project {
    return new Project(path.resolve(folder), undefined, revision.config, revision.snapshot, () => revision.stubScope());
  }

  /**
   * The project as committed at `commit`: protoship.yaml as committed (defaults when the commit has
   * none), validated like the working tree's, and the commit's root package.json (for the stub
   * scope when protoship.yaml sets none): what a release or a publish does is decided by what was
   * committed. `label` names the revision in messages.
   */
  static async atRevision(repo: GitReader, commit: string, label: string): Promise<RevisionProject> {
    const snapshot = Snapshot.commit(repo, commit, label);
    const config = await snapshot.config();
    const packageJson = config.stubs.scope ? undefined : await snapshot.readText("package.json");
    const where = `package.json at ${label}`;
    const scope = () => stubScopeOf(config, async () => packageJson, where);
    return new Project(repo.root, repo, config, snapshot, scope) as RevisionProject;
  }

  /** {@link Project.atRevision} at HEAD; a repository without commits is an environment error. */
  static async atHead(repo: GitReader): Promise<RevisionProject> {
    const head = await repo.resolveCommit("HEAD");
    if (!head) throw new EnvironmentError("the repository has no commits yet", "commit the schema first");
    return Project.atRevision(repo, head, "HEAD");
  }

  /**
   * The schema of `commit` read with this project's configuration and stub scope (e.g. the docs'
   * release pages, which lay out old releases as the working tree's protoship.yaml says, or a
   * release tag compared with HEAD), from git objects only.
   */
  at(this: Project & { readonly repo: GitReader }, commit: string, label: string): RevisionProject {
    return new Project(this.repo.root, this.repo, this.config, Snapshot.commit(this.repo, commit, label), () =>
      this.stubScope(),
    ) as RevisionProject;
  }

  /** The commit the project's snapshot is (full id), or undefined for the working tree or a folder. */
  get commit(): string | undefined {
    return this.snapshot.side.kind === "commit" ? this.snapshot.side.sha : undefined;
  }

  /** How messages name the project's side, e.g. `HEAD`, `tag @acme/x@1.0.0` or `the working tree`. */
  get label(): string {
    return this.snapshot.label;
  }

  /**
   * The npm scope of the stub packages, read once: `stubs.scope`, else the root package.json name's
   * scope (see resolveStubScope); undefined when there is neither. Only commands that name npm
   * packages ask, so `check` never reads package.json.
   */
  stubScope(): Promise<string | undefined> {
    this.scope ??= this.scopeSource();
    return this.scope;
  }

  /** The remote protoship fetches from and pushes to (release.remote, default `origin`). */
  get remote(): string {
    return this.config.release.remote;
  }

  /**
   * The buf workspace at `bufYaml` on the project's side, read once. buf-config (and yaml with it)
   * is imported on first use, so a command that never needs it never loads it.
   */
  workspace(): Promise<BufWorkspace> {
    this.bufWorkspace ??=
      this.snapshot.side.kind === "commit"
        ? this.snapshot.bufWorkspace(this.config.bufYaml)
        : import("../buf/buf-config.js").then(({ readBufWorkspace }) => readBufWorkspace(this.root, this.config.bufYaml));
    return this.bufWorkspace;
  }

  /**
   * The schema compiled on the project's side, once: buf.yaml at `config.bufYaml` as the side has
   * it, and the side's .proto files. Errors of a revision name it (`at HEAD: …`).
   */
  image(): Promise<RevisionImage> {
    this.compiled ??= this.compile();
    return this.compiled;
  }

  /**
   * Only the files at `paths` (repository paths) and what they import, compiled on the project's
   * side (not memoised): the image's ownFiles are those files.
   */
  imageOf(paths: readonly string[]): Promise<RevisionImage> {
    return this.compile(paths);
  }

  private async compile(paths?: readonly string[]): Promise<RevisionImage> {
    // Held to the repository before git is asked for it: git refuses paths outside its work tree.
    if (this.repo) resolveRepoPath(this.repo.root, this.config.bufYaml, { label: "bufYaml" });
    try {
      const workspace = await this.workspace();
      // Loaded on use: it brings @bufbuild/protobuf (~0.1 s), which most commands never need.
      const { compileRevision } = await import("../snapshot/revision-image.js");
      return await compileRevision(this.snapshot, workspace, paths);
    } catch (error) {
      if (error instanceof ProtoshipError && this.commit !== undefined) {
        throw new ProtoshipError(`at ${this.label}: ${error.message}`, { exitCode: error.exitCode, cause: error });
      }
      throw error;
    }
  }
}

/**
 * resolveStubScope, loaded on use: it brings the npm name rules (validate-npm-package-name), which
 * `check` never needs.
 */
async function stubScopeOf(
  config: ProtoshipConfig,
  packageJson: () => Promise<string | undefined>,
  label?: string,
): Promise<string | undefined> {
  const { resolveStubScope } = await import("../config/stub-scope.js");
  return resolveStubScope(config.stubs.scope, packageJson, label);
}

/** The root package.json's text, undefined when there is none (package-json.ts loaded on use). */
async function readPackageJsonText(file: string): Promise<string | undefined> {
  return (await import("../config/package-json.js")).readPackageJsonText(file);
}
