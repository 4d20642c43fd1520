import path from "node:path";
import type { BufWorkspace } from "../buf/buf-config.js";
import { loadConfig } from "../config/load-config.js";
import { readPackageJsonText } from "../config/package-json.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { resolveStubScope } from "../config/stub-scope.js";
import { EnvironmentError } from "../errors.js";
import { GitRepo } from "../git/git.js";
import { Snapshot } from "../snapshot/snapshot.js";
import { RevisionProject } from "./revision.js";

/** A project opened in a git repository (see {@link Project.open}). */
export type RepoProject = Project & { readonly repo: GitRepo };

/**
 * What one command works on, opened once and passed down: the repository root, protoship.yaml and
 * (read on first use, then memoised) the buf workspace. The workspace is lazy because
 * `check --pre-push` on a push without .proto changes must neither read buf.yaml nor load yaml.
 */
export class Project {
  /** The git repository; undefined for a folder that only looks like one (a release commit's tree). */
  readonly repo: GitRepo | undefined;
  /** Absolute path of the repository root (or of the folder standing in for it). */
  readonly root: string;
  readonly config: ProtoshipConfig;
  /** The files the project's commands read: the working tree as git sees it, or the folder's. */
  readonly snapshot: Snapshot;
  private bufWorkspace: Promise<BufWorkspace> | undefined;
  private readonly scopeSource: () => Promise<string | undefined>;
  private scope: Promise<string | undefined> | undefined;

  private constructor(
    root: string,
    repo: GitRepo | undefined,
    config: ProtoshipConfig,
    scope?: () => Promise<string | undefined>,
    snapshot?: Snapshot,
  ) {
    this.root = root;
    this.repo = repo;
    this.config = config;
    this.snapshot = snapshot ?? (repo ? Snapshot.worktree(repo) : Snapshot.folder(root));
    this.scopeSource = scope ?? (() => resolveStubScope(config.stubs.scope, () => readPackageJsonText(path.join(root, "package.json"))));
  }

  /** Opens the repository containing `cwd` (its root comes from git) and reads its protoship.yaml. */
  static async open(cwd: string): Promise<RepoProject> {
    return Project.ofRepo(await GitRepo.open(cwd));
  }

  /** {@link Project.open} for a repository already opened (a command that reads protoship.yaml only when it needs it). */
  static async ofRepo(repo: GitRepo): Promise<RepoProject> {
    return new Project(repo.root, repo, await loadConfig(repo.root)) as RepoProject;
  }

  /**
   * A folder that is not a repository but holds one's files (e.g. the tree of a release commit):
   * `folder` itself is the root, protoship.yaml is read from it.
   */
  static async ofFolder(folder: string): Promise<Project> {
    const root = path.resolve(folder);
    return new Project(root, undefined, await loadConfig(root));
  }

  /**
   * A revision's schema (read from git objects only, never written to disk) with its configuration
   * and stub scope, for work done in `folder` (e.g. publish building the stubs of a release commit).
   */
  static ofRevision(folder: string, revision: RevisionProject): Project {
    return new Project(path.resolve(folder), undefined, revision.config, () => revision.stubScope(), revision.snapshot);
  }

  /**
   * The project as committed at `commit` (see {@link RevisionProject}): its protoship.yaml and
   * schema from git objects only. `label` names the revision in messages.
   */
  static atRevision(repo: GitRepo, commit: string, label: string): Promise<RevisionProject> {
    return RevisionProject.open(repo, commit, label);
  }

  /** {@link Project.atRevision} at HEAD; a repository without commits is an environment error. */
  static async atHead(repo: GitRepo): Promise<RevisionProject> {
    const head = await repo.resolveCommit("HEAD");
    if (!head) throw new EnvironmentError("the repository has no commits yet", "commit the schema first");
    return RevisionProject.open(repo, head, "HEAD");
  }

  /**
   * The schema of `commit` read with this project's configuration (e.g. the docs' release pages,
   * which lay out old releases as the working tree's protoship.yaml says), from git objects only.
   */
  at(this: RepoProject, commit: string, label: string): RevisionProject {
    return new RevisionProject(this.repo, commit, label, this.config, () => this.stubScope());
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
   * The buf workspace at `bufYaml`, read once. buf-config (and yaml with it) is imported on first
   * use, so a command that never needs it never loads it.
   */
  workspace(): Promise<BufWorkspace> {
    this.bufWorkspace ??=
      this.snapshot.side.kind === "commit"
        ? this.snapshot.bufWorkspace(this.config.bufYaml)
        : import("../buf/buf-config.js").then(({ readBufWorkspace }) => readBufWorkspace(this.root, this.config.bufYaml));
    return this.bufWorkspace;
  }
}
