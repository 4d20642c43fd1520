/**
 * The documentation data model. It mirrors the JSON written by Go protoc-gen-doc 1.5.1
 * (`--doc_opt=json,...`) key for key; keys marked "additive" are ours and do not exist in
 * the Go output, so consumers written against the Go JSON keep working.
 */

/** Option values keyed by option name (`deprecated`, `google.api.http`, `validate.rules`, ...). */
export type DocOptions = Record<string, unknown>;

/** Root of the model: `{ files, scalarValueTypes }`. */
export interface DocModel {
  files: DocFile[];
  scalarValueTypes: DocScalarValue[];
}

/** One documented .proto file. Top-level enums, extensions, messages and services are sorted by long name unless `declaration_order=true`. */
export interface DocFile {
  name: string;
  description: string;
  package: string;
  hasEnums: boolean;
  hasExtensions: boolean;
  hasMessages: boolean;
  hasServices: boolean;
  enums: DocEnum[];
  extensions: DocFileExtension[];
  messages: DocMessage[];
  services: DocService[];
  /** Only present when non-empty (Go `omitempty`). */
  options?: DocOptions;
  /** Additive: "proto2", "proto3" or "editions". */
  syntax: "proto2" | "proto3" | "editions";
  /** Additive: the edition (e.g. "2023") for editions files, "" otherwise. */
  edition: string;
  /**
   * Additive: the comment on this file's `package` statement (Go rules, as `description`). Files
   * of one package may each carry one; readers pick deterministically (see docs-site).
   */
  packageDescription: string;
}

/** A top-level (file scoped) extension. */
export interface DocFileExtension {
  name: string;
  longName: string;
  fullName: string;
  description: string;
  label: string;
  type: string;
  longType: string;
  fullType: string;
  number: number;
  defaultValue: string;
  containingType: string;
  containingLongType: string;
  containingFullType: string;
  /** Additive: options set on the extension field. */
  options?: DocOptions;
}

/** An extension declared inside a message. */
export interface DocMessageExtension extends DocFileExtension {
  scopeType: string;
  scopeLongType: string;
  scopeFullType: string;
}

/** A message; nested messages are flattened into the file's message list with dotted long names. */
export interface DocMessage {
  name: string;
  longName: string;
  fullName: string;
  description: string;
  hasExtensions: boolean;
  hasFields: boolean;
  /** True when the message has a real (non-synthetic) oneof. */
  hasOneofs: boolean;
  extensions: DocMessageExtension[];
  fields: DocField[];
  options?: DocOptions;
  /** Additive: real oneofs in declaration order, with the names of their fields. */
  oneofs: DocOneof[];
  /** Additive: true for the synthetic `XxxEntry` message of a map field (hidden by the markdown/html renderers). */
  isMapEntry: boolean;
}

/** Additive: a oneof group. */
export interface DocOneof {
  name: string;
  description: string;
  /** Field names, in declaration order. */
  fields: string[];
}

/** A message field. */
export interface DocField {
  name: string;
  description: string;
  /** "", "optional", "required" or "repeated" (Go rules; for editions derived from field presence). */
  label: string;
  type: string;
  longType: string;
  fullType: string;
  ismap: boolean;
  /** True for members of a real oneof (false for the synthetic oneof of proto3 `optional`). */
  isoneof: boolean;
  oneofdecl: string;
  defaultValue: string;
  options?: DocOptions;
  /** Additive: field number. */
  number: number;
  /** Additive: JSON name (from `json_name` or the default lowerCamelCase name). */
  jsonName: string;
  /** Additive: true when the .proto sets `json_name` explicitly. */
  hasCustomJsonName: boolean;
  /** Additive: key/value types of a map field, absent otherwise. */
  mapKey?: DocTypeRef;
  mapValue?: DocTypeRef;
}

/** Additive: a type reference in the three Go spellings. */
export interface DocTypeRef {
  type: string;
  longType: string;
  fullType: string;
}

/** An enum (top-level or nested, flattened with dotted long names). */
export interface DocEnum {
  name: string;
  longName: string;
  fullName: string;
  description: string;
  /** `null` when empty, like Go. */
  values: DocEnumValue[] | null;
  options?: DocOptions;
}

/** An enum value; `number` is a string, like Go. */
export interface DocEnumValue {
  name: string;
  number: string;
  description: string;
  options?: DocOptions;
}

/** A service. */
export interface DocService {
  name: string;
  longName: string;
  fullName: string;
  description: string;
  /** `null` when empty, like Go. */
  methods: DocMethod[] | null;
  options?: DocOptions;
}

/** A service method. */
export interface DocMethod {
  name: string;
  description: string;
  requestType: string;
  requestLongType: string;
  requestFullType: string;
  requestStreaming: boolean;
  responseType: string;
  responseLongType: string;
  responseFullType: string;
  responseStreaming: boolean;
  options?: DocOptions;
}

/** One row of the scalar value type table. */
export interface DocScalarValue {
  protoType: string;
  notes: string;
  cppType: string;
  csType: string;
  goType: string;
  javaType: string;
  phpType: string;
  pythonType: string;
  rubyType: string;
}

/** The `google.api.http` option as Go protoc-gen-doc shapes it. */
export interface DocHttpOption {
  rules: { method: string; pattern: string; body?: string }[];
}

/** A flattened rule list, the shape of `validator.field` (and our `validate.rules` / `buf.validate.field`). */
export type DocRuleList = { name: string; value: unknown }[];
