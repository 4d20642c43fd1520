/** The protobuf reference documentation of the well-known types (google/protobuf/*.proto). */
export const PROTOBUF_REFERENCE_URL = "https://protobuf.dev/reference/protobuf/google.protobuf/";

/** Types documented on that page, by name within `google.protobuf`. */
const DOCUMENTED = new Set([
  "Any",
  "Api",
  "BoolValue",
  "BytesValue",
  "DoubleValue",
  "Duration",
  "Empty",
  "Enum",
  "EnumValue",
  "Field",
  "Field.Cardinality",
  "Field.Kind",
  "FieldMask",
  "FloatValue",
  "Int32Value",
  "Int64Value",
  "ListValue",
  "Method",
  "Mixin",
  "NullValue",
  "Option",
  "SourceContext",
  "StringValue",
  "Struct",
  "Syntax",
  "Timestamp",
  "Type",
  "UInt32Value",
  "UInt64Value",
  "Value",
]);

/**
 * The protobuf reference URL of a well-known type (`google.protobuf.FieldMask` →
 * `…/google.protobuf/#field-mask`), or undefined for any other name. Renderers link a type here
 * only when the documented module does not contain it.
 */
export function wellKnownTypeUrl(fullName: string | undefined): string | undefined {
  const name = (fullName ?? "").replace(/^\./, "");
  if (!name.startsWith("google.protobuf.")) return undefined;
  const local = name.slice("google.protobuf.".length);
  if (!DOCUMENTED.has(local)) return undefined;
  const slug = local
    .replace(/UInt/g, "Uint")
    .replace(/\./g, "-")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
  return `${PROTOBUF_REFERENCE_URL}#${slug}`;
}
