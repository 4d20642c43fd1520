import type { BufWorkspace } from "../buf/buf-config.js";
import type { ProtoshipConfig } from "../config/schema.js";
import { resolveStubScope } from "../config/stub-scope.js";
import { ProtoshipError } from "../errors.js";
import type { GitRepo } from "../git/git.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import type { RevisionImage } from "../snapshot/revision-image.js";
import { Snapshot } from "../snapshot/snapshot.js";

/**
 * The project as committed at one revision: everything it reads comes from git objects, so
 * ignored, untracked and modified working-tree files never count. Opened by a command (see
 * Project.atRevision, project.at) and passed down; its configuration is either the revision's own
 * protoship.yaml or, for a schema compared against another revision, that revision's.
 */
export class RevisionProject {
  readonly repo: GitRepo;
  /** The commit (full id). */
  readonly commit: string;
  /** How messages name the revision, e.g. `HEAD` or `tag @acme/x@1.0.0`. */
  readonly label: string;
  readonly config: ProtoshipConfig;
  private compiled: Promise<RevisionImage> | undefined;
  private side: Snapshot | undefined;
  private readonly scopeSource: () => Promise<string | undefined>;
  private scope: Promise<string | undefined> | undefined;

  /** `scope` gives the stub scope that goes with `config` (see {@link RevisionProject.stubScope}). */
  constructor(repo: GitRepo, commit: string, label: string, config: ProtoshipConfig, scope: () => Promise<string | undefined>) {
    this.repo = repo;
    this.commit = commit;
    this.label = label;
    this.config = config;
    this.scopeSource = scope;
  }

  /**
   * Reads protoship.yaml as committed at `commit` (defaults when the commit has none), validated
   * like the working tree's, and the commit's root package.json (for the stub scope when
   * protoship.yaml sets none): what a release or a publish does is decided by what was committed.
   */
  static async open(repo: GitRepo, commit: string, label: string): Promise<RevisionProject> {
    const snapshot = Snapshot.commit(repo, commit, label);
    const config = await snapshot.config();
    const packageJson = config.stubs.scope ? undefined : await snapshot.readText("package.json");
    const where = `package.json at ${label}`;
    return new RevisionProject(repo, commit, label, config, () => resolveStubScope(config.stubs.scope, async () => packageJson, where));
  }

  /** Another commit's schema read with this revision's configuration (e.g. a release tag compared with HEAD). */
  at(commit: string, label: string): RevisionProject {
    return new RevisionProject(this.repo, commit, label, this.config, () => this.stubScope());
  }

  /**
   * The npm scope of the stub packages that goes with this revision's configuration: `stubs.scope`,
   * else the scope of the configuring revision's package.json name; undefined when there is neither.
   */
  stubScope(): Promise<string | undefined> {
    this.scope ??= this.scopeSource();
    return this.scope;
  }

  /**
   * The schema compiled at this revision, once: buf.yaml at `config.bufYaml` as it is in the
   * commit, and the commit's .proto files. Errors name the revision (`at HEAD: …`).
   */
  image(): Promise<RevisionImage> {
    this.compiled ??= this.compile();
    return this.compiled;
  }

  /** The revision's files, read from git objects only. */
  get snapshot(): Snapshot {
    this.side ??= Snapshot.commit(this.repo, this.commit, this.label);
    return this.side;
  }

  /**
   * Only the files at `paths` (repository paths) and what they import, compiled at this revision
   * (not memoised): the image's ownFiles are those files.
   */
  imageOf(paths: readonly string[]): Promise<RevisionImage> {
    return this.compile(paths);
  }

  /** The buf workspace at `config.bufYaml` as it is in the commit (read, not compiled). Errors name the revision. */
  async bufWorkspace(): Promise<BufWorkspace> {
    const { bufYaml } = this.config;
    // Held to the repository before git is asked for it: git refuses paths outside its work tree.
    resolveRepoPath(this.repo.root, bufYaml, { label: "bufYaml" });
    return this.named(() => this.snapshot.bufWorkspace(bufYaml));
  }

  private async compile(paths?: readonly string[]): Promise<RevisionImage> {
    const workspace = await this.bufWorkspace();
    return this.named(async () => {
      // Loaded on use: it brings @bufbuild/protobuf (~0.1 s), which most commands never need.
      const { compileRevision } = await import("../snapshot/revision-image.js");
      return compileRevision(this.snapshot, workspace, paths);
    });
  }

  /** `work`, its errors prefixed with the revision (`at HEAD: …`). */
  private async named<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProtoshipError)
        throw new ProtoshipError(`at ${this.label}: ${error.message}`, { exitCode: error.exitCode, cause: error });
      throw error;
    }
  }
}
