// Test helpers: temp buf workspaces, real `buf generate` / `buf build`, and the real plugin bin.
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root (/work/main in development, the clone root in CI). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** Reference inputs and golden outputs of Go protoc-gen-doc 1.5.1 (a sibling of the repo). */
export const CONFORMANCE = path.resolve(REPO_ROOT, "../shared/conformance/protoc-gen-doc");
export const BUF = path.join(REPO_ROOT, "node_modules/.bin/buf");
/** The plugin as users get it after `pnpm install` at the root. */
export const PLUGIN_SHIM = path.join(REPO_ROOT, "node_modules/.bin/protoc-gen-doc");
/** The package's own bin script. */
export const PLUGIN_BIN = path.join(REPO_ROOT, "packages/protoc-gen-doc/bin/protoc-gen-doc.js");
const GOOGLE_PROTOS = path.join(REPO_ROOT, "node_modules/google-proto-files");

if (!existsSync(path.join(REPO_ROOT, "packages/protoc-gen-doc/dist/main.js"))) {
  throw new Error("packages/protoc-gen-doc/dist is missing: run `pnpm --filter @protoship/protoc-gen-doc build` first");
}

/** Result of a child process. */
export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run a command with an argument array (no shell), optionally feeding stdin. Never throws on exit codes. */
export function run(cmd: string, args: readonly string[], opts: { cwd: string; input?: Uint8Array }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(opts.input ?? new Uint8Array());
  });
}

/** A temporary buf v2 workspace: module `proto` (the files under test) plus dependency modules. */
export class Workspace {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "pgd-test-"));

  /**
   * @param protos files of the `proto` module (path -> content)
   * @param opts.conformanceDeps add the conformance thirdparty/ protos and google/api annotations + http
   * @param opts.deps files of an extra dependency module `deps` (imported, not documented)
   */
  constructor(protos: Record<string, string>, opts: { conformanceDeps?: boolean; deps?: Record<string, string> } = {}) {
    const modules = ["proto"];
    for (const [name, content] of Object.entries(protos)) this.write(`proto/${name}`, content);
    if (opts.deps) {
      for (const [name, content] of Object.entries(opts.deps)) this.write(`deps/${name}`, content);
      modules.push("deps");
    }
    const conformanceDeps = opts.conformanceDeps === true;
    if (conformanceDeps) {
      cpSync(path.join(CONFORMANCE, "thirdparty"), path.join(this.dir, "thirdparty"), { recursive: true });
      for (const f of ["annotations.proto", "http.proto"]) {
        this.write(`googleapis/google/api/${f}`, readFileSync(path.join(GOOGLE_PROTOS, "google/api", f), "utf8"));
      }
      modules.push("thirdparty", "googleapis");
    }
    this.write("buf.yaml", `version: v2\nmodules:\n${modules.map((m) => `  - path: ${m}\n`).join("")}`);
    // Copies of the read-only shared tree stay read-only; make them removable.
    chmodRecursive(this.dir);
  }

  write(rel: string, content: string): void {
    const file = path.join(this.dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }

  /**
   * `buf generate proto` with this plugin as a local plugin, one run per opt string (strategy all).
   * Returns the generated files (path relative to the out dir -> content). Throws on failure.
   */
  async generate(opts: readonly string[], plugin: readonly string[] = [PLUGIN_SHIM]): Promise<Map<string, string>> {
    const out = path.join(this.dir, "out");
    rmSync(out, { recursive: true, force: true });
    const local = `[${plugin.map((p) => JSON.stringify(p)).join(", ")}]`;
    const template =
      "version: v2\nplugins:\n" +
      opts.map((o) => `  - local: ${local}\n    out: out\n    opt: ${JSON.stringify(o)}\n    strategy: all\n`).join("");
    this.write("buf.gen.yaml", template);
    const res = await this.buf(["generate", "proto", "--template", "buf.gen.yaml"]);
    if (res.code !== 0) throw new Error(`buf generate failed (${res.code}): ${res.stderr}`);
    return readTree(out);
  }

  /** Run buf in the workspace. */
  buf(args: readonly string[]): Promise<RunResult> {
    return run(BUF, args, { cwd: this.dir });
  }

  /** `buf build proto` as a FileDescriptorSet (with source info). */
  async image(): Promise<Uint8Array> {
    const res = await this.buf(["build", "proto", "--as-file-descriptor-set", "-o", "image.binpb"]);
    if (res.code !== 0) throw new Error(`buf build failed: ${res.stderr}`);
    return readFileSync(path.join(this.dir, "image.binpb"));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function chmodRecursive(p: string): void {
  chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
  if (statSync(p).isDirectory()) for (const n of readdirSync(p)) chmodRecursive(path.join(p, n));
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const n of readdirSync(dir)) {
      const full = path.join(dir, n);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(root, full).split(path.sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(root);
  return files;
}

/** Files under a directory, as path (relative, "/"-separated) -> content. */
export function readProtoDir(dir: string): Record<string, string> {
  return Object.fromEntries(readTree(dir));
}

/** A fixture directory under test/fixtures. */
export const FIXTURES = path.join(REPO_ROOT, "packages/protoc-gen-doc/test/fixtures");

/** The conformance protos (Booking, Customer, IgnoreMe, Vehicle). */
export function conformanceProtos(): Record<string, string> {
  const dir = path.join(CONFORMANCE, "proto");
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(path.join(dir, n), "utf8")]));
}

/** Get a file from generate() output or fail with the list of what exists. */
export function must(files: Map<string, string>, name: string): string {
  const v = files.get(name);
  if (v === undefined) throw new Error(`missing output ${name}; have: ${[...files.keys()].join(", ")}`);
  return v;
}
