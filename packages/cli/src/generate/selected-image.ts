import type { BufWorkspace } from "../buf/buf-config.js";
import { moduleRelative, workspacePathOf } from "../buf/module-paths.js";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { SchemaImage } from "../schema/load-image.js";
import type { ProtoFile } from "../snapshot/file-set.js";
import type { Snapshot } from "../snapshot/snapshot.js";

/**
 * Words a file must all contain to be able to declare a selected package: the literal segments
 * of a package name or include pattern (`google.cloud.**` → google, cloud). `lowerCase`: compared
 * with the file's text lowercased (the parts of an npm name, which lowercases its package).
 */
export interface PackageWords {
  words: string[];
  lowerCase?: boolean;
}

/** The {@link PackageWords} of an include pattern or proto package: its segments but `*` and `**`. */
export function patternWords(pattern: string): PackageWords {
  return { words: pattern.split(".").filter((s) => s && s !== "*" && s !== "**") };
}

/**
 * Whether a file's bytes can declare a selected package: not when it lacks one of the words of
 * every alternative (a package statement names each segment of its package as one identifier),
 * nor when each occurrence of the word `package` in it is either a plain statement (`package
 * a.b.c;`, whitespace only) naming no selected package or, by its own line, surely inside a
 * comment or a string ({@link quotedOrCommented}). Any other occurrence (a statement with a
 * comment inside, a field named `package`) keeps the file a candidate. A necessary condition
 * only: buf's image decides.
 */
export function mayDeclare(bytes: Buffer, selection: ModuleSelection): boolean {
  let lower: Buffer | undefined;
  // Alternatives share words (google, cloud): each word is searched for once per file.
  const found = new Map<string, boolean>();
  const has = (word: string, lowerCase: boolean | undefined): boolean => {
    const key = lowerCase ? `\0${word}` : word;
    let yes = found.get(key);
    if (yes === undefined) {
      const text = lowerCase ? (lower ??= Buffer.from(bytes.toString("latin1").toLowerCase(), "latin1")) : bytes;
      yes = text.includes(word);
      found.set(key, yes);
    }
    return yes;
  };
  const hasWords = selection.alternatives.some(({ words, lowerCase }) => words.every((w) => has(w, lowerCase)));
  if (!hasWords) return false;
  const names = packageStatements(bytes);
  return names === undefined || names.some((name) => selection.selected(name));
}

/** How far after the word `package` a plain statement is looked for: a longer one keeps its file a candidate. */
const STATEMENT_WINDOW = 4096;
/** Where a statement is looked for first. */
const SHORT_WINDOW = 256;
const PLAIN_STATEMENT = /^package[ \t\r\n]+([A-Za-z_]\w*(?:[ \t\r\n]*\.[ \t\r\n]*[A-Za-z_]\w*)*)[ \t\r\n]*;/;
const isWordByte = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);

/**
 * The names of a text's plain package statements, or undefined when the word `package` also
 * occurs otherwise than in a plain statement or surely inside a comment or a string.
 */
export function plainPackageStatements(text: string): string[] | undefined {
  return packageStatements(Buffer.from(text, "latin1"));
}

/**
 * {@link plainPackageStatements} of a file's bytes, read where the word `package` is (no copy of
 * the whole file as text: googleapis' files are searched by the thousand).
 */
function packageStatements(bytes: Buffer): string[] | undefined {
  const names: string[] = [];
  for (let at = bytes.indexOf("package"); at >= 0; at = bytes.indexOf("package", at + 1)) {
    if (isWordByte(bytes[at - 1]) || isWordByte(bytes[at + 7])) continue;
    if (quotedOrCommented(bytes.toString("latin1", bytes.lastIndexOf(0x0a, at) + 1, at))) continue;
    // Most statements fit in a short window; the same anchored match is found in the long one.
    const statement =
      PLAIN_STATEMENT.exec(bytes.toString("latin1", at, at + SHORT_WINDOW)) ??
      PLAIN_STATEMENT.exec(bytes.toString("latin1", at, at + STATEMENT_WINDOW));
    if (!statement) return undefined;
    names.push(statement[1]!.replace(/[ \t\r\n]/g, ""));
  }
  return names;
}

/**
 * Whether what comes after `before` (the start of its line) is surely inside a comment or a
 * string, whatever precedes the line. A line starts either outside any token (a proto string
 * cannot hold a line break) or inside a block comment; without a `*\/` in `before`, a block
 * comment the line starts in is still open, so reading `before` as if it started outside any
 * token can only err towards "not inside" when the line really starts in a comment (where the
 * answer is "inside" anyway). Read so, a `//` or `/*` outside strings, or a string left open,
 * means inside.
 */
export function quotedOrCommented(before: string): boolean {
  if (before.includes("*/")) return false;
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "/" && (before[i + 1] === "/" || before[i + 1] === "*")) return true;
  }
  return quote !== undefined;
}

/** What a run selects of the module, for {@link loadSelectedImage}. */
export interface ModuleSelection {
  /** Whether a proto package is selected (`stubs.include`, `--only`). */
  selected(protoPackage: string): boolean;
  /** Of each selected name or pattern, the words a file declaring it contains; one without any means every file. */
  alternatives: PackageWords[];
}

/**
 * The image generate needs when `stubs.include` or `--only` selects part of the module: buf
 * compiles only the files that can declare a selected package ({@link mayDeclare}: a text search
 * for the package's words, not a parser) and what they import (`buf build --path`), instead of
 * every file of the module. The search reads the module's files one at a time (Snapshot.filterFiles);
 * buf compiles in the working tree itself, or an overlay of it that hides what git ignores
 * (Snapshot.bufFolder), else from an archive of the side (Snapshot.image). What was compiled is
 * then checked: no compiled file of the module outside the candidates declares a selected package
 * (else the module is compiled whole). The whole module is compiled too (`subset: false`) for a
 * workspace of several modules, or a selection with no words (`**`). The image's `ownFiles` are
 * the module's files that were compiled. `searched`: the files the search would find, when the
 * caller has them already (Snapshot.digestAndFilter with {@link mayDeclare} of `selection`).
 */
export async function loadSelectedImage(
  workspace: BufWorkspace,
  snapshot: Snapshot,
  selection: ModuleSelection,
  searched?: readonly ProtoFile[],
): Promise<{ image: SchemaImage; subset: boolean }> {
  const whole = async () => ({ image: await snapshot.image(workspace, { sourceInfo: "comments" }), subset: false });
  const module = workspace.modules[0];
  if (!searchesFiles(workspace, selection) || !module) return whole();
  // The module's files as the snapshot holds them (ignored files never).
  const files = await snapshot.listProtoFiles(workspace);
  const test = (bytes: Buffer): boolean => mayDeclare(bytes, selection);
  const candidates = (searched ?? (await snapshot.filterFiles(files, test))).map((f) => f.path);
  if (!candidates.length) return whole();
  const compiled = await compileCandidates(workspace, snapshot, candidates);
  const moduleFiles = new Set(files.map((f) => moduleRelative(module, f.path)));
  const wanted = new Set(candidates.map((f) => moduleRelative(module, f)));
  const missed = compiled.some((f) => moduleFiles.has(f.name) && !wanted.has(f.name) && selection.selected(f.package));
  if (missed) return whole();
  return {
    image: { files: compiled, ownFiles: new Set(compiled.filter((f) => moduleFiles.has(f.name)).map((f) => f.name)) },
    subset: true,
  };
}

/**
 * Whether {@link loadSelectedImage} searches the module's files for `selection`: a workspace of
 * one module and a selection whose every name or pattern has words. Otherwise it compiles the
 * module whole.
 */
export function searchesFiles(workspace: BufWorkspace, selection: ModuleSelection): boolean {
  return workspace.modules.length === 1 && selection.alternatives.every((a) => a.words.length > 0);
}

/** `candidates` (repository paths) and their imports compiled with source info cut to comments: in place when the side allows, else from its archive. */
async function compileCandidates(
  workspace: BufWorkspace,
  snapshot: Snapshot,
  candidates: readonly string[],
): Promise<FileDescriptorProto[]> {
  const folder = await snapshot.bufFolder(workspace);
  if (!folder) {
    const paths = candidates.map((f) => workspacePathOf(workspace.dir, f));
    return (await snapshot.image(workspace, { sourceInfo: "comments", paths })).files;
  }
  try {
    const { buildFolderImage } = await import("../schema/load-image.js");
    return await buildFolderImage(folder.dir, { workspaceDir: workspace.dir, paths: candidates, sourceInfo: "comments" });
  } finally {
    await folder.dispose();
  }
}
