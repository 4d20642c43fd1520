import { isFieldSet, type DescMessage, type Message } from "@bufbuild/protobuf";
import {
  DescriptorProtoSchema,
  EnumDescriptorProtoSchema,
  EnumOptionsSchema,
  FileDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
  EnumValueOptionsSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldOptionsSchema,
  FileOptionsSchema,
  MessageOptionsSchema,
  MethodOptionsSchema,
  OneofOptionsSchema,
  ServiceOptionsSchema,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
  type SourceCodeInfo_Location,
} from "@bufbuild/protobuf/wkt";

/** What a schema element is, as changelog lines name it. */
export type ElementKind = "file" | "message" | "field" | "oneof" | "enum" | "enum value" | "service" | "RPC" | "extension";

/**
 * One addressable part of a schema (a file, message, field, enum value, RPC…), read from
 * descriptors. Elements of two revisions are matched by `key`, which is stable across edits that
 * keep the element's identity (a field is its message and number; the rest are full names).
 */
export interface SchemaElement {
  key: string;
  kind: ElementKind;
  /** Name as written: a field's name, an RPC's name; full names for messages, enums, services. */
  name: string;
  /** Full name of the enclosing message, enum or service; the file name for top-level elements. */
  parent: string;
  /** Key of the enclosing element (a file's is undefined). */
  parentKey: string | undefined;
  /** Module-relative file name. */
  file: string;
  /** 1-based line of the element's declaration, when the image has source info. */
  line: number | null;
  /** Leading, trailing and detached comments, normalised. */
  comments: string;
  /** Properties whose change changes the element (type, number, streaming…), by label. */
  props: Record<string, string>;
  /** Options that are set, by name (custom options by field number), with their serialised value. */
  options: Record<string, string>;
  /** Quoted names buf uses for this element in its messages (name, number). */
  tokens: string[];
  /** The short name buf uses for the enclosing element, when it is not a file. */
  parentToken: string | undefined;
}

// SourceCodeInfo paths are descriptor.proto field numbers, read from @bufbuild/protobuf's schemas.
const FILE_MESSAGE = FileDescriptorProtoSchema.field.messageType.number,
  FILE_ENUM = FileDescriptorProtoSchema.field.enumType.number,
  FILE_SERVICE = FileDescriptorProtoSchema.field.service.number,
  FILE_EXTENSION = FileDescriptorProtoSchema.field.extension.number,
  FILE_PACKAGE = FileDescriptorProtoSchema.field.package.number,
  FILE_SYNTAX = FileDescriptorProtoSchema.field.syntax.number;
const MSG_FIELD = DescriptorProtoSchema.field.field.number,
  MSG_NESTED = DescriptorProtoSchema.field.nestedType.number,
  MSG_ENUM = DescriptorProtoSchema.field.enumType.number,
  MSG_EXTENSION = DescriptorProtoSchema.field.extension.number,
  MSG_ONEOF = DescriptorProtoSchema.field.oneofDecl.number;
const ENUM_VALUE = EnumDescriptorProtoSchema.field.value.number,
  SERVICE_METHOD = ServiceDescriptorProtoSchema.field.method.number;

/** Lists every element of one file. */
export function fileElements(file: FileDescriptorProto): SchemaElement[] {
  const locations = new Map<string, SourceCodeInfo_Location>();
  for (const loc of file.sourceCodeInfo?.location ?? []) {
    const key = loc.path.join(",");
    if (!locations.has(key)) locations.set(key, loc);
  }
  const at = (path: readonly number[]): { line: number | null; comments: string } => {
    const loc = locations.get(path.join(","));
    return { line: loc?.span[0] !== undefined ? loc.span[0] + 1 : null, comments: commentsOf(loc) };
  };
  const out: SchemaElement[] = [];
  const pkg = file.package;
  const prefix = pkg ? `${pkg}.` : "";
  const fileKey = `file:${file.name}`;
  const fileDoc = [at([FILE_SYNTAX]).comments, at([FILE_PACKAGE]).comments].filter(Boolean).join("\n");
  out.push({
    key: fileKey,
    kind: "file",
    name: file.name,
    parent: "",
    parentKey: undefined,
    file: file.name,
    line: at([FILE_PACKAGE]).line ?? 1,
    comments: fileDoc,
    props: { syntax: file.edition ? `edition ${file.edition}` : file.syntax || "proto2", package: pkg },
    options: optionsOf(FileOptionsSchema, file.options),
    tokens: [file.name],
    parentToken: undefined,
  });

  const pushEnum = (e: EnumDescriptorProto, path: number[], scope: string, parentKey: string, parentToken: string | undefined): void => {
    const full = `${scope}${e.name}`;
    const key = `enum:${full}`;
    out.push({
      key,
      kind: "enum",
      name: full,
      parent: parentKey === fileKey ? file.name : scope.slice(0, -1),
      parentKey,
      file: file.name,
      ...at(path),
      props: {
        ...(parentKey === fileKey ? { file: file.name } : {}),
        "reserved numbers": e.reservedRange.map((r) => `${r.start}-${r.end}`).join(","),
        "reserved names": e.reservedName.join(","),
      },
      options: optionsOf(EnumOptionsSchema, e.options),
      tokens: [e.name],
      parentToken,
    });
    e.value.forEach((v, i) => {
      out.push({
        key: `value:${full}.${v.name}`,
        kind: "enum value",
        name: v.name,
        parent: full,
        parentKey: key,
        file: file.name,
        ...at([...path, ENUM_VALUE, i]),
        props: { number: String(v.number) },
        options: optionsOf(EnumValueOptionsSchema, v.options),
        tokens: [v.name, String(v.number)],
        parentToken: e.name,
      });
    });
  };

  const pushField = (
    f: FieldDescriptorProto,
    path: number[],
    kind: "field" | "extension",
    scope: string,
    parentKey: string,
    parentToken: string | undefined,
    oneofs: readonly string[],
  ): void => {
    const owner = kind === "field" ? scope.slice(0, -1) : trimDot(f.extendee);
    const key = kind === "field" ? `field:${owner}#${f.number}` : `extension:${owner}#${f.number}`;
    const oneof = f.oneofIndex !== undefined && !f.proto3Optional ? (oneofs[f.oneofIndex] ?? "") : "";
    out.push({
      key,
      kind,
      name: f.name,
      parent: owner,
      parentKey: kind === "field" ? parentKey : scope ? `message:${scope.slice(0, -1)}` : fileKey,
      file: file.name,
      ...at(path),
      props: {
        name: f.name,
        type: fieldType(f),
        label: fieldLabel(f),
        oneof,
        "default value": f.defaultValue ?? "",
        "JSON name": f.jsonName ?? "",
      },
      options: optionsOf(FieldOptionsSchema, f.options),
      tokens: [f.name, String(f.number)],
      parentToken: kind === "field" ? parentToken : undefined,
    });
  };

  const pushMessage = (m: DescriptorProto, path: number[], scope: string, parentKey: string, parentToken: string | undefined): void => {
    const full = `${scope}${m.name}`;
    const key = `message:${full}`;
    out.push({
      key,
      kind: "message",
      name: full,
      parent: parentKey === fileKey ? file.name : scope.slice(0, -1),
      parentKey,
      file: file.name,
      ...at(path),
      props: {
        ...(parentKey === fileKey ? { file: file.name } : {}),
        "reserved numbers": m.reservedRange.map((r) => `${r.start}-${r.end}`).join(","),
        "reserved names": m.reservedName.join(","),
        "extension ranges": m.extensionRange.map((r) => `${r.start}-${r.end}`).join(","),
      },
      options: optionsOf(MessageOptionsSchema, m.options),
      tokens: [m.name],
      parentToken,
    });
    const oneofs = m.oneofDecl.map((o) => o.name);
    m.oneofDecl.forEach((o, i) => {
      // proto3 `optional` fields get a synthetic oneof; it is the field's presence, not a oneof.
      if (m.field.some((f) => f.oneofIndex === i && f.proto3Optional)) return;
      out.push({
        key: `oneof:${full}.${o.name}`,
        kind: "oneof",
        name: o.name,
        parent: full,
        parentKey: key,
        file: file.name,
        ...at([...path, MSG_ONEOF, i]),
        props: {},
        options: optionsOf(OneofOptionsSchema, o.options),
        tokens: [o.name],
        parentToken: m.name,
      });
    });
    m.field.forEach((f, i) => pushField(f, [...path, MSG_FIELD, i], "field", `${full}.`, key, m.name, oneofs));
    m.extension.forEach((f, i) => pushField(f, [...path, MSG_EXTENSION, i], "extension", `${full}.`, key, m.name, []));
    m.nestedType.forEach((n, i) => {
      if (n.options?.mapEntry) return; // map<K,V> entries are part of the map field's type.
      pushMessage(n, [...path, MSG_NESTED, i], `${full}.`, key, m.name);
    });
    m.enumType.forEach((e, i) => pushEnum(e, [...path, MSG_ENUM, i], `${full}.`, key, m.name));
  };

  file.messageType.forEach((m, i) => pushMessage(m, [FILE_MESSAGE, i], prefix, fileKey, undefined));
  file.enumType.forEach((e, i) => pushEnum(e, [FILE_ENUM, i], prefix, fileKey, undefined));
  file.extension.forEach((f, i) => pushField(f, [FILE_EXTENSION, i], "extension", prefix, fileKey, undefined, []));
  file.service.forEach((s, i) => {
    const full = `${prefix}${s.name}`;
    const key = `service:${full}`;
    out.push({
      key,
      kind: "service",
      name: full,
      parent: file.name,
      parentKey: fileKey,
      file: file.name,
      ...at([FILE_SERVICE, i]),
      props: { file: file.name },
      options: optionsOf(ServiceOptionsSchema, s.options),
      tokens: [s.name],
      parentToken: undefined,
    });
    s.method.forEach((r, j) => {
      out.push({
        key: `rpc:${full}.${r.name}`,
        kind: "RPC",
        name: r.name,
        parent: full,
        parentKey: key,
        file: file.name,
        ...at([FILE_SERVICE, i, SERVICE_METHOD, j]),
        props: {
          "request type": trimDot(r.inputType),
          "response type": trimDot(r.outputType),
          "request streaming": r.clientStreaming ? "stream" : "unary",
          "response streaming": r.serverStreaming ? "stream" : "unary",
        },
        options: optionsOf(MethodOptionsSchema, r.options),
        tokens: [r.name],
        parentToken: s.name,
      });
    });
  });
  return out;
}

function commentsOf(loc: SourceCodeInfo_Location | undefined): string {
  if (!loc) return "";
  const parts = [...loc.leadingDetachedComments, loc.leadingComments ?? "", loc.trailingComments ?? ""];
  return parts
    .map((c) =>
      c
        .split("\n")
        .map((l) => l.trimEnd())
        .join("\n")
        .trim(),
    )
    .filter(Boolean)
    .join("\n\n");
}

function trimDot(name: string | undefined): string {
  return (name ?? "").replace(/^\./, "");
}

function fieldType(f: FieldDescriptorProto): string {
  if (f.typeName) return trimDot(f.typeName);
  const name = FieldDescriptorProto_Type[f.type ?? 0] ?? "unknown";
  return name.replace(/^TYPE_/, "").toLowerCase();
}

function fieldLabel(f: FieldDescriptorProto): string {
  if (f.label === FieldDescriptorProto_Label.REPEATED) return "repeated";
  if (f.label === FieldDescriptorProto_Label.REQUIRED) return "required";
  if (f.proto3Optional) return "optional";
  return "";
}

/**
 * The options set on an element, by name. Custom options are extensions the image carries as
 * unknown fields; they are listed by field number, which is enough to notice a change.
 */
function optionsOf<T extends Message>(schema: DescMessage, options: T | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!options) return out;
  for (const field of schema.fields) {
    if (!isFieldSet(options, field)) continue;
    out[field.name] = stringify((options as unknown as Record<string, unknown>)[field.localName]);
  }
  for (const u of (options as { $unknown?: { no: number; data: Uint8Array }[] }).$unknown ?? []) {
    const name = `(${u.no})`;
    out[name] = (out[name] ?? "") + Buffer.from(u.data).toString("hex");
  }
  return out;
}

function stringify(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
    ) ?? ""
  );
}
