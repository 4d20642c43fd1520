import type { BufWorkspace } from "../buf/buf-config.js";
import { moduleRelative, workspacePathOf } from "../buf/module-paths.js";
import type { SchemaImage } from "../schema/load-image.js";
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
 * nor when each occurrence of the word `package` in it is a plain statement (`package a.b.c;`,
 * whitespace only) naming no selected package. Any other occurrence (a comment, a statement with a
 * comment inside) keeps the file a candidate. A necessary condition only: buf's image decides.
 */
export function mayDeclare(bytes: Buffer, selection: ModuleSelection): boolean {
  let lower: Buffer | undefined;
  const hasWords = selection.alternatives.some(({ words, lowerCase }) => {
    const text = lowerCase ? (lower ??= Buffer.from(bytes.toString("latin1").toLowerCase(), "latin1")) : bytes;
    return words.every((w) => text.includes(w));
  });
  if (!hasWords) return false;
  const names = plainPackageStatements(bytes.toString("latin1"));
  return names === undefined || names.some((name) => selection.selected(name));
}

const PACKAGE_WORD = /\bpackage\b/g;
const PLAIN_STATEMENT = /package[ \t\r\n]+([A-Za-z_]\w*(?:[ \t\r\n]*\.[ \t\r\n]*[A-Za-z_]\w*)*)[ \t\r\n]*;/y;

/** The names of a text's plain package statements, or undefined when the word `package` also occurs otherwise. */
export function plainPackageStatements(text: string): string[] | undefined {
  const names: string[] = [];
  for (const match of text.matchAll(PACKAGE_WORD)) {
    PLAIN_STATEMENT.lastIndex = match.index;
    const statement = PLAIN_STATEMENT.exec(text);
    if (!statement) return undefined;
    names.push(statement[1]!.replace(/[ \t\r\n]/g, ""));
  }
  return names;
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
 * every file of the module. What was compiled is then checked: no compiled file of the module
 * outside the candidates declares a selected package (else the module is compiled whole). The
 * whole module is compiled too (`subset: false`) for a workspace of several modules, or a selection
 * with no words (`**`). The image's `ownFiles` are the module's files that were compiled.
 */
export async function loadSelectedImage(
  workspace: BufWorkspace,
  snapshot: Snapshot,
  selection: ModuleSelection,
): Promise<{ image: SchemaImage; subset: boolean }> {
  const whole = async () => ({ image: await snapshot.image(workspace, { sourceInfo: "comments" }), subset: false });
  const module = workspace.modules[0];
  if (workspace.modules.length !== 1 || !module || selection.alternatives.some((a) => !a.words.length)) return whole();
  // The module's files as the snapshot holds them (ignored files never): the archive buf compiles,
  // read once, searched for the candidates.
  const files = await snapshot.listProtoFiles(workspace);
  const archive = await snapshot.archive(workspace);
  const bytes = await archiveEntries(archive);
  const candidates = files
    .filter((f) => {
      const text = bytes.get(f.path);
      return text !== undefined && mayDeclare(text, selection);
    })
    .map((f) => f.path);
  if (!candidates.length) return whole();
  const { loadArchiveImage } = await import("../schema/load-image.js");
  // As snapshot.image does, with the archive already made.
  const image = await loadArchiveImage(archive, {
    ...(workspace.dir ? { workspaceDir: workspace.dir } : {}),
    sourceInfo: "comments",
    paths: candidates.map((f) => workspacePathOf(workspace.dir, f)),
  });
  const moduleFiles = new Set(files.map((f) => moduleRelative(module, f.path)));
  const wanted = new Set(candidates.map((f) => moduleRelative(module, f)));
  const missed = image.files.some((f) => moduleFiles.has(f.name) && !wanted.has(f.name) && selection.selected(f.package));
  if (missed) return whole();
  return { image: { ...image, ownFiles: new Set(image.files.filter((f) => moduleFiles.has(f.name)).map((f) => f.name)) }, subset: true };
}

/** The files of a tar archive (Snapshot.archive) by name. */
async function archiveEntries(archive: Buffer): Promise<Map<string, Buffer>> {
  const { extract } = await import("tar-stream");
  const entries = new Map<string, Buffer>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => reader.on("finish", resolve).on("error", reject));
  reader.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      entries.set(header.name, Buffer.concat(chunks));
      next();
    });
    stream.resume();
  });
  reader.end(archive);
  await done;
  return entries;
}
