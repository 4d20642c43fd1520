import {
  create,
  createFileRegistry,
  createRegistry,
  type DescEnum,
  type DescExtension,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescService,
  type Registry,
} from "@bufbuild/protobuf";
import { protoCamelCase } from "@bufbuild/protobuf/reflect";
import {
  FeatureSet_FieldPresence,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorSetSchema,
  type CodeGeneratorRequest,
  type DescriptorProto,
  type FieldDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import { FileComments, packageDescription } from "./comments.js";
import type {
  DocEnum,
  DocField,
  DocFile,
  DocFileExtension,
  DocMessage,
  DocMessageExtension,
  DocMethod,
  DocModel,
  DocService,
  DocTypeRef,
} from "./model.js";
import { extractOptions } from "./options.js";
import { SCALAR_VALUE_TYPES } from "./scalars.js";

/** Options for {@link buildDocModel}. */
export interface BuildOptions {
  /** Files whose name matches any pattern are left out (unanchored, like Go protoc-gen-doc). */
  excludePatterns?: readonly RegExp[];
  /** Use JSON (lowerCamelCase) names as field names. */
  camelCaseFields?: boolean;
  /** Keep declaration order instead of sorting by long name. */
  declarationOrder?: boolean;
}

/**
 * Build the documentation model.
 *
 * @param input a CodeGeneratorRequest (documents `file_to_generate`) or the DescFiles to document
 *   (custom options are resolved against those files and their imports).
 */
export function buildDocModel(input: CodeGeneratorRequest | readonly DescFile[], options: BuildOptions = {}): DocModel {
  let files: DescFile[];
  let registry: Registry;
  if (isDescFileArray(input)) {
    files = [...input];
    registry = createRegistry(...collectWithImports(files));
  } else {
    const fileRegistry = createFileRegistry(create(FileDescriptorSetSchema, { file: input.protoFile }));
    registry = fileRegistry;
    files = input.fileToGenerate.map((name) => {
      const f = fileRegistry.getFile(name);
      if (f === undefined) throw new Error(`file_to_generate "${name}" is missing from proto_file`);
      return f;
    });
  }
  const exclude = options.excludePatterns ?? [];
  const kept = files.filter((f) => !exclude.some((re) => re.test(f.name)));
  const builder = new ModelBuilder(registry, options);
  return { files: kept.map((f) => builder.file(f)), scalarValueTypes: SCALAR_VALUE_TYPES.map((s) => ({ ...s })) };
}

function isDescFileArray(input: CodeGeneratorRequest | readonly DescFile[]): input is readonly DescFile[] {
  return Array.isArray(input);
}

function collectWithImports(files: readonly DescFile[]): DescFile[] {
  const seen = new Set<DescFile>();
  const visit = (f: DescFile): void => {
    if (seen.has(f)) return;
    seen.add(f);
    f.dependencies.forEach(visit);
  };
  files.forEach(visit);
  return [...seen];
}

const byLongName = <T extends { longName: string }>(a: T, b: T): number => (a.longName < b.longName ? -1 : a.longName > b.longName ? 1 : 0);

class ModelBuilder {
  constructor(
    private readonly registry: Registry,
    private readonly opts: BuildOptions,
  ) {}

  private comments!: FileComments;

  file(f: DescFile): DocFile {
    this.comments = new FileComments(f);
    const pkg = f.proto.package;
    const syntax = f.proto.syntax === "editions" ? "editions" : f.proto.syntax === "proto3" ? "proto3" : "proto2";
    const doc: DocFile = {
      name: f.proto.name,
      description: this.comments.fileDescription(),
      package: pkg,
      hasEnums: f.enums.length > 0,
      hasExtensions: f.extensions.length > 0,
      hasMessages: f.messages.length > 0,
      hasServices: f.services.length > 0,
      enums: [],
      extensions: f.extensions.map((e) => this.fileExtension(e)),
      messages: [],
      services: f.services.map((s) => this.service(s)),
      syntax,
      edition: syntax === "editions" ? editionName(f.proto.edition) : "",
      packageDescription: packageDescription(f),
    };
    const options = extractOptions(f.proto.options, this.registry);
    if (options) doc.options = options;

    // Go walks each message, then its nested enums, then its nested messages (map entries included).
    const addMessage = (m: DescMessage): void => {
      doc.messages.push(this.message(m));
      for (const e of m.nestedEnums) doc.enums.push(this.enum(e));
      for (const n of nestedMessagesWithMapEntries(m)) {
        if ("desc" in n) addMessage(n.desc);
        else doc.messages.push(this.mapEntry(n.entry, n.parent));
      }
    };
    for (const e of f.enums) doc.enums.push(this.enum(e));
    for (const m of f.messages) addMessage(m);

    if (!this.opts.declarationOrder) {
      doc.enums.sort(byLongName);
      doc.extensions.sort(byLongName);
      doc.messages.sort(byLongName);
      doc.services.sort(byLongName);
    }
    return doc;
  }

  message(m: DescMessage): DocMessage {
    const doc: DocMessage = {
      name: m.name,
      longName: longName(m.typeName, m.file.proto.package),
      fullName: m.typeName,
      description: this.comments.description(m),
      hasExtensions: m.nestedExtensions.length > 0,
      hasFields: m.fields.length > 0,
      hasOneofs: m.oneofs.length > 0,
      extensions: m.nestedExtensions.map((e) => this.messageExtension(e, m)),
      fields: m.fields.map((f) => this.field(f, m)),
      oneofs: m.oneofs.map((o) => ({
        name: o.name,
        description: this.comments.description(o),
        fields: o.fields.map((f) => this.fieldName(f)),
      })),
      isMapEntry: m.proto.options?.mapEntry === true,
    };
    const options = extractOptions(m.proto.options, this.registry);
    if (options) doc.options = options;
    return doc;
  }

  /** A synthetic map entry message, shaped like Go protoc-gen-doc's (it lists them as messages). */
  mapEntry(entry: DescriptorProto, parent: DescMessage): DocMessage {
    const file = parent.file;
    const pkg = file.proto.package;
    const typeName = `${parent.typeName}.${entry.name}`;
    return {
      name: entry.name,
      longName: longName(typeName, pkg),
      fullName: typeName,
      description: "",
      hasExtensions: false,
      hasFields: entry.field.length > 0,
      hasOneofs: false,
      extensions: [],
      fields: entry.field.map((p): DocField => {
        const t = typeRef(p, pkg);
        const jsonName = p.jsonName !== "" ? p.jsonName : protoCamelCase(p.name);
        return {
          name: this.opts.camelCaseFields ? jsonName : p.name,
          description: "",
          label: file.proto.syntax === "proto3" ? "" : "optional",
          type: t.type,
          longType: t.longType,
          fullType: t.fullType,
          ismap: false,
          isoneof: false,
          oneofdecl: "",
          defaultValue: "",
          number: p.number,
          jsonName,
          hasCustomJsonName: false,
        };
      }),
      oneofs: [],
      isMapEntry: true,
    };
  }

  private fieldName(f: DescField): string {
    return this.opts.camelCaseFields ? f.jsonName : f.name;
  }

  field(f: DescField, parent: DescMessage): DocField {
    const pkg = parent.file.proto.package;
    const t = typeRef(f.proto, pkg);
    const doc: DocField = {
      name: this.fieldName(f),
      description: this.comments.description(f),
      label: labelOf(f, parent.file),
      type: t.type,
      longType: t.longType,
      fullType: t.fullType,
      ismap: f.fieldKind === "map",
      isoneof: f.oneof !== undefined,
      oneofdecl: f.oneof?.name ?? "",
      defaultValue: f.proto.defaultValue,
      number: f.number,
      jsonName: f.jsonName,
      hasCustomJsonName: f.proto.jsonName !== "" && f.proto.jsonName !== protoCamelCase(f.name),
    };
    const options = extractOptions(f.proto.options, this.registry);
    if (options) doc.options = options;
    if (f.fieldKind === "map") {
      const entry = parent.proto.nestedType.find((n) => n.name === baseName(f.proto.typeName));
      const key = entry?.field.find((x) => x.number === 1);
      const value = entry?.field.find((x) => x.number === 2);
      if (key && value) {
        doc.mapKey = typeRef(key, pkg);
        doc.mapValue = typeRef(value, pkg);
      }
    }
    return doc;
  }

  fileExtension(e: DescExtension): DocFileExtension {
    const pkg = e.file.proto.package;
    const t = typeRef(e.proto, pkg);
    const extendee = e.proto.extendee;
    const containingLongType = trimPrefix(extendee, `.${pkg}.`);
    const containingFullType = trimPrefix(extendee, ".");
    const doc: DocFileExtension = {
      name: e.name,
      longName: `${trimPrefix(containingLongType, ".")}.${e.name}`,
      fullName: `${containingFullType}.${e.name}`,
      description: this.comments.description(e),
      label: labelOf(e, e.file),
      type: t.type,
      longType: t.longType,
      fullType: t.fullType,
      number: e.number,
      defaultValue: e.proto.defaultValue,
      containingType: baseName(extendee),
      containingLongType,
      containingFullType,
    };
    const options = extractOptions(e.proto.options, this.registry);
    if (options) doc.options = options;
    return doc;
  }

  messageExtension(e: DescExtension, scope: DescMessage): DocMessageExtension {
    return {
      ...this.fileExtension(e),
      scopeType: scope.name,
      scopeLongType: longName(scope.typeName, scope.file.proto.package),
      scopeFullType: scope.typeName,
    };
  }

  enum(e: DescEnum): DocEnum {
    const doc: DocEnum = {
      name: e.name,
      longName: longName(e.typeName, e.file.proto.package),
      fullName: e.typeName,
      description: this.comments.description(e),
      values:
        e.values.length === 0
          ? null
          : e.values.map((v) => {
              const value: NonNullable<DocEnum["values"]>[number] = {
                name: v.name,
                number: String(v.number),
                description: this.comments.description(v),
              };
              const options = extractOptions(v.proto.options, this.registry);
              if (options) value.options = options;
              return value;
            }),
    };
    const options = extractOptions(e.proto.options, this.registry);
    if (options) doc.options = options;
    return doc;
  }

  service(s: DescService): DocService {
    const pkg = s.file.proto.package;
    const doc: DocService = {
      name: s.name,
      longName: longName(s.typeName, pkg),
      fullName: s.typeName,
      description: this.comments.description(s),
      methods:
        s.methods.length === 0
          ? null
          : s.methods.map((m) => {
              const p = m.proto;
              const method: DocMethod = {
                name: m.name,
                description: this.comments.description(m),
                requestType: baseName(p.inputType),
                requestLongType: trimPrefix(p.inputType, `.${pkg}.`),
                requestFullType: trimPrefix(p.inputType, "."),
                requestStreaming: p.clientStreaming,
                responseType: baseName(p.outputType),
                responseLongType: trimPrefix(p.outputType, `.${pkg}.`),
                responseFullType: trimPrefix(p.outputType, "."),
                responseStreaming: p.serverStreaming,
              };
              const options = extractOptions(p.options, this.registry);
              if (options) method.options = options;
              return method;
            }),
    };
    const options = extractOptions(s.proto.options, this.registry);
    if (options) doc.options = options;
    return doc;
  }
}

/** A nested message in declaration order: a real message, or the proto of a synthetic map entry. */
type Nested = { desc: DescMessage } | { entry: DescriptorProto; parent: DescMessage };

/** Nested messages in declaration order, including synthetic map entries (protobuf-es has no DescMessage for them). */
function nestedMessagesWithMapEntries(m: DescMessage): Nested[] {
  return m.proto.nestedType.map((p): Nested => {
    const desc = m.nestedMessages.find((n) => n.proto === p);
    return desc ? { desc } : { entry: p, parent: m };
  });
}

/**
 * The label, following Go protoc-gen-doc for proto2/proto3 ("" for proto3 singular fields,
 * "optional" for proto3 `optional`), and field presence for editions.
 */
function labelOf(f: DescField | DescExtension, file: DescFile): string {
  const p = f.proto;
  if (p.label === FieldDescriptorProto_Label.REPEATED) return "repeated";
  switch (file.proto.syntax) {
    case "editions":
      if (f.presence === FeatureSet_FieldPresence.LEGACY_REQUIRED) return "required";
      return f.presence === FeatureSet_FieldPresence.IMPLICIT ? "" : "optional";
    case "proto3":
      return p.proto3Optional ? "optional" : "";
    default:
      return p.label === FieldDescriptorProto_Label.REQUIRED ? "required" : "optional";
  }
}

/** Go's parseType: named types by base/long/full name, scalars by lowercased type name. */
function typeRef(p: FieldDescriptorProto, pkg: string): DocTypeRef {
  if (p.typeName.startsWith(".")) {
    const name = p.typeName.slice(1);
    return { type: baseName(name), longType: trimPrefix(name, `${pkg}.`), fullType: name };
  }
  const name = (FieldDescriptorProto_Type[p.type] ?? "").toLowerCase();
  return { type: name, longType: name, fullType: name };
}

function editionName(edition: number): string {
  // EDITION_2023 = 1000, EDITION_2024 = 1001; others print their number.
  return edition === 1000 ? "2023" : edition === 1001 ? "2024" : String(edition);
}

function longName(typeName: string, pkg: string): string {
  return pkg === "" ? typeName : trimPrefix(typeName, `${pkg}.`);
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}
