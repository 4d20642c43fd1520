import { formatRules, isRuleList, RefIndex, RULE_OPTIONS } from "@protoship/doc-text";
import { SCALAR_VALUE_TYPES } from "./scalars.js";
import type { DocField, DocHttpOption, DocMessage, DocModel, DocOptions } from "./model.js";

/** Anchor used by Go protoc-gen-doc 1.5.1 templates: every character outside `[A-Za-z0-9_-]` becomes `-`. */
export function anchor(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "-");
}

/** Scalar protobuf types, which link to the scalar table rather than to a message or enum. */
const SCALARS: ReadonlySet<string> = new Set(SCALAR_VALUE_TYPES.map((s) => s.protoType));

/**
 * Where references link in one rendered document: the anchor of a message, enum or service the
 * document contains, a scalar's row of the scalar table, or — for a well-known type the document
 * does not contain — the protobuf reference. Anything else has no target (shown as plain text),
 * so the document never links to an anchor it lacks.
 */
export class LinkTargets {
  /** Also resolves `:ref:` targets in comments. */
  readonly refs = new RefIndex();

  constructor(model: DocModel) {
    for (const f of model.files) {
      for (const m of visibleMessages(f.messages)) this.refs.add(m.fullName, `#${anchor(m.fullName)}`);
      for (const e of f.enums) this.refs.add(e.fullName, `#${anchor(e.fullName)}`);
      for (const s of f.services) this.refs.add(s.fullName, `#${anchor(s.fullName)}`);
    }
  }

  /** The href of a type given its full name, or undefined. */
  type(fullType: string): string | undefined {
    return SCALARS.has(fullType) ? `#${fullType}` : this.refs.href(fullType);
  }
}

/** Options other than `deprecated`, as `name: value` plain text lines (to be escaped by the caller). */
export function optionLines(options: DocOptions | undefined): string[] {
  if (options === undefined) return [];
  return Object.entries(options)
    .filter(([k]) => k !== "deprecated")
    .map(([k, v]) => `${k}: ${formatOptionValue(k, v)}`);
}

function formatOptionValue(name: string, value: unknown): string {
  if (name === "google.api.http" && isHttp(value)) {
    return value.rules.map((r) => `${r.method} ${r.pattern}${r.body ? ` (body: ${r.body})` : ""}`).join("; ");
  }
  if (isRuleList(value)) {
    if (RULE_OPTIONS.has(name)) return formatRules(value).join(", ");
    return value.map((x) => `${x.name} = ${JSON.stringify(x.value)}`).join(", ");
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isHttp(v: unknown): v is DocHttpOption {
  return typeof v === "object" && v !== null && Array.isArray((v as DocHttpOption).rules);
}

/** True when the field is deprecated. */
export function isDeprecated(options: DocOptions | undefined): boolean {
  return options?.deprecated === true;
}

/** Label shown for a field: maps are shown as `map<K, V>`, so their synthetic "repeated" is dropped. */
export function displayLabel(f: DocField): string {
  return f.ismap && f.mapKey ? "" : f.label;
}

/** Fields shown in the main table: everything except members of real oneofs (shown as groups). */
export function plainFields(m: DocMessage): DocField[] {
  const grouped = new Set(m.oneofs.flatMap((o) => o.fields));
  return m.fields.filter((f) => !(f.isoneof && grouped.has(f.name)));
}

/** Fields of one oneof group, in declaration order. */
export function oneofFields(m: DocMessage, oneof: string): DocField[] {
  return m.fields.filter((f) => f.isoneof && f.oneofdecl === oneof);
}

/** Messages shown by the markdown/html renderers (map entries are rendered as `map<K, V>` instead). */
export function visibleMessages(messages: readonly DocMessage[]): DocMessage[] {
  return messages.filter((m) => !m.isMapEntry);
}
