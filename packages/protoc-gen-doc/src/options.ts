import {
  isFieldSet,
  ScalarType,
  type DescEnum,
  type DescExtension,
  type DescField,
  type DescMessage,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { MethodOptionsSchema, type MethodOptions } from "@bufbuild/protobuf/wkt";
import { getExtension, toJson } from "@bufbuild/protobuf";
import type { DocHttpOption, DocOptions, DocRuleList } from "./model.js";

/** Options messages as they appear on descriptor protos (FileOptions, FieldOptions, ...). */
type OptionsMessage = Message & { deprecated?: boolean };

/** Extensions rendered as a flat `[{name, value}]` list with dotted names (rule sets). */
const FLATTENED_RULES = new Set(["validate.rules", "buf.validate.field", "buf.validate.message", "buf.validate.oneof"]);

/**
 * Collect the options set on a descriptor: `deprecated`, a method's `idempotency_level`, and every
 * custom option (extension) found in the options' unknown fields that the registry can resolve.
 * Returns undefined when nothing is set (Go omits the key).
 */
export function extractOptions(options: OptionsMessage | undefined, registry: Registry): DocOptions | undefined {
  if (options === undefined) return undefined;
  const out: DocOptions = {};
  if (options.deprecated === true) out.deprecated = true;
  if (options.$typeName === MethodOptionsSchema.typeName) {
    const m = options as MethodOptions;
    if (isFieldSet(m, MethodOptionsSchema.field.idempotencyLevel)) {
      out.idempotency_level = ["IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS", "IDEMPOTENT"][m.idempotencyLevel] ?? String(m.idempotencyLevel);
    }
  }
  const seen = new Set<number>();
  for (const unknown of options.$unknown ?? []) {
    if (seen.has(unknown.no)) continue;
    seen.add(unknown.no);
    // getExtensionFor only looks at the extendee's type name.
    const ext = registry.getExtensionFor({ typeName: options.$typeName } as DescMessage, unknown.no);
    if (ext === undefined) continue;
    out[ext.typeName] = transformExtension(ext, getExtension(options as never, ext));
  }
  const keys = Object.keys(out).sort();
  if (keys.length === 0) return undefined;
  // Go marshals maps with sorted keys; keep the same order for stable output.
  return Object.fromEntries(keys.map((k) => [k, out[k]]));
}

function transformExtension(ext: DescExtension, value: unknown): unknown {
  const plain = valueToPlain(ext, value);
  if (ext.typeName === "google.api.http" && isRecord(plain)) return httpRules(plain);
  if (ext.typeName === "validator.field" && isRecord(plain)) {
    return Object.entries(plain).map(([name, v]) => ({ name, value: v })) satisfies DocRuleList;
  }
  if (FLATTENED_RULES.has(ext.typeName) && isRecord(plain)) return flattenRules(plain, "");
  return plain;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** The Go protoc-gen-doc shape of `google.api.http`: the main rule, then additional bindings. */
function httpRules(rule: Record<string, unknown>): DocHttpOption {
  const rules: DocHttpOption["rules"] = [];
  const one = (r: Record<string, unknown>): void => {
    let method = "";
    let pattern = "";
    for (const m of HTTP_METHODS) {
      if (typeof r[m] === "string") {
        method = m.toUpperCase();
        pattern = r[m] as string;
      }
    }
    const custom = r.custom;
    if (isRecord(custom)) {
      method = String(custom.kind ?? "");
      pattern = String(custom.path ?? "");
    }
    const body = typeof r.body === "string" ? r.body : "";
    rules.push(body === "" ? { method, pattern } : { method, pattern, body });
  };
  one(rule);
  const extra = rule.additional_bindings;
  if (Array.isArray(extra)) for (const r of extra) if (isRecord(r)) one(r);
  return { rules };
}

function flattenRules(obj: Record<string, unknown>, prefix: string): DocRuleList {
  const out: DocRuleList = [];
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix === "" ? k : `${prefix}.${k}`;
    if (isRecord(v) && Object.keys(v).length > 0) out.push(...flattenRules(v, name));
    else out.push({ name, value: v });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

type FieldLike = DescField | DescExtension;

/**
 * Convert a protobuf-es value to plain JSON data: messages become objects keyed by proto field
 * name (only set fields, declaration order), enums their value name, 64-bit integers numbers
 * when safe (Go prints them as numbers), bytes base64.
 */
export function valueToPlain(field: FieldLike, value: unknown): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return scalarToPlain(field.scalar, value);
    case "enum":
      return enumToPlain(field.enum, value);
    case "message":
      return messageToPlain(field.message, value as Message);
    case "list":
      return (value as unknown[]).map((item) =>
        field.listKind === "scalar"
          ? scalarToPlain(field.scalar, item)
          : field.listKind === "enum"
            ? enumToPlain(field.enum, item)
            : messageToPlain(field.message, item as Message),
      );
    case "map":
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, item]) => [
          k,
          field.mapKind === "scalar"
            ? scalarToPlain(field.scalar, item)
            : field.mapKind === "enum"
              ? enumToPlain(field.enum, item)
              : messageToPlain(field.message, item as Message),
        ]),
      );
  }
}

/**
 * Well-known types whose JSON form is a string (`1.5s`, `2026-01-01T00:00:00Z`, `a.b,c`): shown so,
 * instead of as `{ seconds, nanos }` objects (a zero Duration would otherwise read as `{}`).
 */
const STRING_JSON_TYPES = new Set(["google.protobuf.Duration", "google.protobuf.Timestamp", "google.protobuf.FieldMask"]);

/** A message as a plain object of its set fields (a string for {@link STRING_JSON_TYPES}). */
export function messageToPlain(desc: DescMessage, msg: Message): Record<string, unknown> | string {
  if (STRING_JSON_TYPES.has(desc.typeName)) {
    const json = toJson(desc, msg);
    if (typeof json === "string") return json;
  }
  const out: Record<string, unknown> = {};
  const rec = msg as unknown as Record<string, unknown>;
  for (const f of desc.fields) {
    if (!isFieldSet(msg, f)) continue;
    let v: unknown;
    if (f.oneof !== undefined) {
      const o = rec[f.oneof.localName] as { case?: string; value?: unknown };
      v = o.value;
    } else {
      v = rec[f.localName];
    }
    out[f.name] = valueToPlain(f, v);
  }
  return out;
}

function enumToPlain(desc: DescEnum, value: unknown): unknown {
  return desc.values.find((v) => v.number === value)?.name ?? value;
}

function scalarToPlain(type: ScalarType, value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (type === ScalarType.BYTES && value instanceof Uint8Array) return base64Encode(value);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}
