import type { AnyDesc, DescFile } from "@bufbuild/protobuf";
import { getPackageComments } from "@bufbuild/protoplugin";
import {
  DescriptorProtoSchema,
  EnumDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
  type SourceCodeInfo_Location,
} from "@bufbuild/protobuf/wkt";

/** Leading and trailing comments of an element. */
export interface CommentPair {
  leading?: string | undefined;
  trailing?: string | undefined;
}

/** protokit's scrub: drop the space protoc leaves after each newline, trim. */
function scrub(s: string | undefined): string {
  return (s ?? "").replaceAll("\n ", "\n").trim();
}

/**
 * The description Go protoc-gen-doc derives from a comment: leading and trailing comments joined
 * by a blank line, leading `*`, `/`, newlines and spaces removed (so `///` and `/** *\/` styles
 * read cleanly), and empty when it starts with `@exclude`.
 */
export function commentDescription(c: CommentPair): string {
  const leading = scrub(c.leading);
  const joined = ((leading !== "" ? `${leading}\n\n` : "") + scrub(c.trailing)).trim();
  const val = joined.replace(/^[*/\n ]+/, "");
  return val.startsWith("@exclude") ? "" : val;
}

interface Entry {
  leading: string;
  trailing: string;
  detached: number;
  span: number[];
}

const SYNTAX_PATH = String(FileDescriptorProtoSchema.field.syntax.number);
const EDITION_PATH = String(FileDescriptorProtoSchema.field.edition.number);

/**
 * Comments of one file, looked up by source path, with protoc's attribution restored where the
 * buf compiler differs: buf attaches a block comment written after an element on the same line
 * (`int32 id = 1; /** The id. *\/`) to the NEXT sibling when that sibling starts on the very next
 * line. protoc (and so Go protoc-gen-doc) treats it as the trailing comment of the element it
 * follows. A leading comment cannot sit anywhere else in that layout: the next sibling starts on
 * the following line at the same column, so the comment must be on the previous element's line.
 */
export class FileComments {
  private readonly byPath = new Map<string, Entry>();

  constructor(file: DescFile) {
    for (const loc of file.proto.sourceCodeInfo?.location ?? []) {
      this.byPath.set(loc.path.join("."), toEntry(loc));
    }
    this.restoreTrailingComments();
  }

  private restoreTrailingComments(): void {
    // Map iteration follows protoc's location order (pre-order), so earlier siblings come first.
    for (const [key, cur] of this.byPath) {
      if (cur.leading === "" || cur.detached > 0) continue;
      const path = key.split(".").map(Number);
      const index = path[path.length - 1];
      if (path.length < 2 || index === undefined || index === 0) continue;
      const prev = this.byPath.get([...path.slice(0, -1), index - 1].join("."));
      if (prev === undefined || prev.trailing !== "") continue;
      const prevEndLine = prev.span.length === 4 ? prev.span[2] : prev.span[0];
      if (cur.span[0] === undefined || prevEndLine === undefined) continue;
      if (cur.span[0] === prevEndLine + 1 && cur.span[1] === prev.span[1] && !cur.leading.trimEnd().includes("\n")) {
        prev.trailing = cur.leading;
        cur.leading = "";
      }
    }
  }

  /** Comments of an element of this file. */
  of(desc: Exclude<AnyDesc, DescFile>): CommentPair {
    return this.byPath.get(sourcePath(desc).join(".")) ?? {};
  }

  /** Description of the element (Go protoc-gen-doc rules). */
  description(desc: Exclude<AnyDesc, DescFile>): string {
    return commentDescription(this.of(desc));
  }

  /** The file description: the comment on `syntax` (or, for editions files, on `edition`). */
  fileDescription(): string {
    const syntax = this.byPath.get(SYNTAX_PATH);
    if (syntax && (syntax.leading !== "" || syntax.trailing !== "")) return commentDescription(syntax);
    return commentDescription(this.byPath.get(EDITION_PATH) ?? {});
  }
}

/**
 * The description of a file's `package` statement (Go rules, see {@link commentDescription}),
 * through protoplugin's getPackageComments (one lookup per file, so its scan costs nothing here).
 */
export function packageDescription(file: DescFile): string {
  const c = getPackageComments(file);
  return commentDescription({ leading: c.leading, trailing: c.trailing });
}

function toEntry(loc: SourceCodeInfo_Location): Entry {
  const norm = (s: string | undefined): string => (s ?? "").replace(/\r\n?/g, "\n");
  return {
    leading: norm(loc.leadingComments),
    trailing: norm(loc.trailingComments),
    detached: loc.leadingDetachedComments.length,
    span: loc.span,
  };
}

/**
 * The source-code-info path of an element, computed from its position in its parent. (protoplugin's
 * getComments also finds the location by scanning every location of the file, which made large
 * files quadratic: 20 s of 40 on the google-proto-files corpus.) Field numbers are
 * descriptor.proto's, read from @bufbuild/protobuf's schemas.
 */
export function sourcePath(desc: Exclude<AnyDesc, DescFile>): number[] {
  const at = <T>(list: readonly T[], item: T): number => list.indexOf(item);
  const file = FileDescriptorProtoSchema.field;
  const message = DescriptorProtoSchema.field;
  switch (desc.kind) {
    case "message":
      return desc.parent
        ? [...sourcePath(desc.parent), message.nestedType.number, at(desc.parent.proto.nestedType, desc.proto)]
        : [file.messageType.number, at(desc.file.proto.messageType, desc.proto)];
    case "enum":
      return desc.parent
        ? [...sourcePath(desc.parent), message.enumType.number, at(desc.parent.proto.enumType, desc.proto)]
        : [file.enumType.number, at(desc.file.proto.enumType, desc.proto)];
    case "service":
      return [file.service.number, at(desc.file.proto.service, desc.proto)];
    case "extension":
      return desc.parent
        ? [...sourcePath(desc.parent), message.extension.number, at(desc.parent.proto.extension, desc.proto)]
        : [file.extension.number, at(desc.file.proto.extension, desc.proto)];
    case "field":
      return [...sourcePath(desc.parent), message.field.number, at(desc.parent.proto.field, desc.proto)];
    case "oneof":
      return [...sourcePath(desc.parent), message.oneofDecl.number, at(desc.parent.proto.oneofDecl, desc.proto)];
    case "enum_value":
      return [...sourcePath(desc.parent), EnumDescriptorProtoSchema.field.value.number, at(desc.parent.proto.value, desc.proto)];
    case "rpc":
      return [...sourcePath(desc.parent), ServiceDescriptorProtoSchema.field.method.number, at(desc.parent.proto.method, desc.proto)];
  }
}
