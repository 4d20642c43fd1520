import { readFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../errors.js";

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

type Section = Record<string, unknown>;
interface RawModule {
  path?: string;
  excludes?: string[];
  lint?: Section;
  breaking?: Section;
}
interface RawConfig {
  version?: string;
  modules?: RawModule[];
  lint?: Section;
  breaking?: Section;
  build?: { excludes?: string[] };
}

/**
 * Reads the buf configuration at `bufYaml` (relative to `root`) into a list of modules, without
 * compiling anything. Supports buf.yaml v2 workspaces and v1 single modules.
 */
export async function readBufWorkspace(root: string, bufYaml: string): Promise<BufWorkspace> {
  const file = path.join(root, bufYaml);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ConfigError(`${bufYaml}: not found; protoship needs a buf module`, "create one with `buf config init` or set bufYaml in protoship.yaml");
  }
  let data: unknown;
  try {
    const { parse } = await import("yaml"); // loaded only when a .proto changed
    data = parse(text);
  } catch (error) {
    throw new ConfigError(`${bufYaml}: invalid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const dir = toPosix(path.dirname(bufYaml)) === "." ? "" : toPosix(path.dirname(bufYaml));
  const join = (p: string): string => toPosix(path.posix.normalize(path.posix.join(dir, p))).replace(/^\.$/, "").replace(/\/$/, "");
  const configFiles = [bufYaml, join("buf.lock")].map(toPosix);
  // buf validates its own file when it runs; here we only read what protoship needs from it.
  const cfg = (data ?? {}) as RawConfig;
  const version = cfg.version;
  if (cfg.modules !== undefined && !Array.isArray(cfg.modules)) throw new ConfigError(`${bufYaml}: modules: expected a list`);
  if (version === "v2") {
    const modules = (cfg.modules ?? [{ path: "." }]).map((m) => ({
      root: join(m.path ?? "."),
      excludes: (m.excludes ?? []).map(join),
      breaking: m.breaking ?? cfg.breaking ?? {},
      lint: m.lint ?? cfg.lint ?? {},
    }));
    return { configFile: toPosix(bufYaml), dir, modules, configFiles };
  }
  if (version === "v1" || version === "v1beta1") {
    return {
      configFile: toPosix(bufYaml),
      dir,
      modules: [{ root: dir, excludes: (cfg.build?.excludes ?? []).map(join), breaking: cfg.breaking ?? {}, lint: cfg.lint ?? {} }],
      configFiles,
    };
  }
  throw new ConfigError(`${bufYaml}: unsupported version ${JSON.stringify(version)} (expected v2 or v1)`);
}

/** The module a repository-relative path belongs to, if any. */
export function moduleOf(workspace: BufWorkspace, file: string): BufModule | undefined {
  return workspace.modules.find(
    (m) => (m.root === "" || file.startsWith(`${m.root}/`)) && !m.excludes.some((e) => file.startsWith(`${e}/`)),
  );
}

/** Path of a file relative to its module root, as buf names it in images and findings. */
export function moduleRelative(module: BufModule, file: string): string {
  return module.root === "" ? file : file.slice(module.root.length + 1);
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
