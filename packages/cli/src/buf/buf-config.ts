import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
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

const section = z.record(z.string(), z.unknown()).optional();
const v2Schema = z.object({
  version: z.literal("v2"),
  modules: z.array(z.object({ path: z.string().default("."), excludes: z.array(z.string()).optional(), lint: section, breaking: section }).loose()).optional(),
  lint: section,
  breaking: section,
}).loose();
const v1Schema = z.object({ version: z.enum(["v1", "v1beta1"]), lint: section, breaking: section, build: z.object({ excludes: z.array(z.string()).optional() }).loose().optional() }).loose();

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
    data = parse(text);
  } catch (error) {
    throw new ConfigError(`${bufYaml}: invalid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const dir = toPosix(path.dirname(bufYaml)) === "." ? "" : toPosix(path.dirname(bufYaml));
  const join = (p: string): string => toPosix(path.posix.normalize(path.posix.join(dir, p))).replace(/^\.$/, "").replace(/\/$/, "");
  const configFiles = [bufYaml, join("buf.lock")].map(toPosix);
  const version = (data as { version?: unknown } | null)?.version;
  if (version === "v2") {
    const cfg = v2Schema.parse(data);
    const modules = (cfg.modules ?? [{ path: "." }]).map((m) => ({
      root: join(m.path),
      excludes: (m.excludes ?? []).map(join),
      breaking: (m.breaking ?? cfg.breaking ?? {}) as Record<string, unknown>,
      lint: (m.lint ?? cfg.lint ?? {}) as Record<string, unknown>,
    }));
    return { configFile: toPosix(bufYaml), dir, modules, configFiles };
  }
  if (version === "v1" || version === "v1beta1") {
    const cfg = v1Schema.parse(data);
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
