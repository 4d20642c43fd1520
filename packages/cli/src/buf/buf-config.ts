import path from "node:path";
import { ConfigError } from "../errors.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { parseCached, siblingModule, type ParseCache } from "../config/parse-cache.js";
import { parseConfigYaml, readConfigFile } from "../yaml/config-yaml.js";

/** A buf module: a folder whose .proto files are addressed relative to it. */
export interface BufModule {
  /** Folder of the module, relative to the repository root, "" for the root itself. */
  root: string;
  /** Sub-folders of the module buf leaves out, relative to the repository root. */
  excludes: string[];
  /** The module's `breaking` section (rules used by `buf breaking`). */
  breaking: Record<string, unknown>;
  /** The module's `lint` section. */
  lint: Record<string, unknown>;
}

/** The buf workspace protoship works on. */
export interface BufWorkspace {
  /** buf.yaml (or buf.work.yaml) path relative to the repository root. */
  configFile: string;
  /** The folder buf runs in, relative to the repository root. */
  dir: string;
  modules: BufModule[];
  /** Files whose change means "check everything" (buf.yaml, buf.lock, buf.work.yaml). */
  configFiles: string[];
}

/**
 * Reads the buf configuration at `bufYaml` (relative to `root`) into a list of modules, without
 * compiling anything. Supports buf.yaml v2 workspaces and v1 single modules. `bufYaml` must stay
 * inside the repository (symlinks followed); the keys protoship reads are validated with
 * `file:line:col`, others are left to buf, which validates its own file when it runs. A file read
 * before, byte for byte and at the same path, by this protoship is served from its proven cache
 * entry ({@link parseCached}), without loading yaml.
 */
export async function readBufWorkspace(root: string, bufYaml: string): Promise<BufWorkspace> {
  const file = resolveRepoPath(root, bufYaml, { label: "bufYaml" });
  const configFile = toPosix(path.relative(root, path.resolve(root, bufYaml)));
  const text = await readConfigFile(file, configFile);
  if (text === undefined) return parseBufWorkspace(text, configFile);
  return parseCached(root, WORKSPACE_CACHE, `${configFile}\0${text}`, () => parseBufWorkspace(text, configFile));
}

/** buf.yaml's entry: what it reads into is decided by this module and the schema module. */
const WORKSPACE_CACHE: ParseCache = {
  entry: "buf-workspace.json",
  modules: [new URL(import.meta.url), siblingModule(import.meta.url, "buf-yaml-schema")],
};

/**
 * The buf workspace of buf.yaml's text (undefined when there is none: a configuration error) at
 * `configFile` (repository-relative): pure, so any side of a comparison can be read the same way.
 */
export async function parseBufWorkspace(text: string | undefined, configFile: string): Promise<BufWorkspace> {
  if (text === undefined) {
    const hint = "create one with `buf config init` or set bufYaml in protoship.yaml";
    throw new ConfigError(`${configFile}: not found; protoship needs a buf module`, hint);
  }
  const { bufYamlSchema } = await import("./buf-yaml-schema.js"); // loaded only when a .proto changed
  const cfg = await parseConfigYaml(text, configFile, bufYamlSchema);
  const dir = toPosix(path.posix.dirname(configFile)) === "." ? "" : path.posix.dirname(configFile);
  const join = (p: string): string =>
    toPosix(path.posix.normalize(path.posix.join(dir, p)))
      .replace(/^\.$/, "")
      .replace(/\/$/, "");
  const configFiles = [configFile, join("buf.lock")];
  if (cfg.version === "v2") {
    const modules = (cfg.modules ?? [{ path: "." }]).map((m) => ({
      root: join(m.path ?? "."),
      excludes: (m.excludes ?? []).map(join),
      breaking: m.breaking ?? cfg.breaking ?? {},
      lint: m.lint ?? cfg.lint ?? {},
    }));
    return { configFile, dir, modules, configFiles };
  }
  return {
    configFile,
    dir,
    modules: [{ root: dir, excludes: (cfg.build?.excludes ?? []).map(join), breaking: cfg.breaking ?? {}, lint: cfg.lint ?? {} }],
    configFiles,
  };
}

/** The module a repository-relative path belongs to, if any. */
export function moduleOf(workspace: BufWorkspace, file: string): BufModule | undefined {
  return workspace.modules.find(
    (m) => (m.root === "" || file.startsWith(`${m.root}/`)) && !m.excludes.some((e) => file.startsWith(`${e}/`)),
  );
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
