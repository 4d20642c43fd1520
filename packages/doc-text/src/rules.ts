/**
 * Validation rules (protoc-gen-validate `validate.rules`, protovalidate `buf.validate.*`,
 * go-proto-validators `validator.field`) as readable text: `> 0s`, `min_len: 1`, `required`,
 * `in: ["a", "b"]`. The doc model keeps them as a flat `[{ name, value }]` list with dotted names
 * (`string.min_len`, `repeated.items.string.pattern`); this turns each entry into one phrase.
 */

/** Option names whose value is a flattened rule list. */
export const RULE_OPTIONS: ReadonlySet<string> = new Set([
  "validate.rules",
  "buf.validate.field",
  "buf.validate.message",
  "buf.validate.oneof",
  "validator.field",
]);

/** One entry of a flattened rule list. */
export interface Rule {
  name: string;
  value: unknown;
}

/** Segments naming the type a rule applies to, not the rule itself. */
const KINDS = new Set([
  "string",
  "bytes",
  "bool",
  "enum",
  "message",
  "any",
  "duration",
  "timestamp",
  "repeated",
  "map",
  "double",
  "float",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "field_mask",
]);
const OPERATORS: Record<string, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=", const: "=", not_in: "not in:", in: "in:" };

/** True when the value is a flattened rule list. */
export function isRuleList(value: unknown): value is Rule[] {
  return Array.isArray(value) && value.every(isRule);
}

function isRule(x: unknown): x is Rule {
  return typeof x === "object" && x !== null && typeof (x as Rule).name === "string" && "value" in x;
}

/** One readable phrase per rule. Durations given as `{ seconds, nanos }` (or `{}`) read as `1.5s` (or `0s`). */
export function formatRules(rules: readonly Rule[]): string[] {
  return mergeDurationParts(rules).map(formatRule);
}

function formatRule(rule: Rule): string {
  const parts = rule.name.split(".");
  const kind = parts.find((p) => KINDS.has(p));
  const words = parts.filter((p) => !KINDS.has(p));
  const keyword = words.pop() ?? rule.name;
  const scope = words.length > 0 ? `${words.join(" ")}: ` : "";
  // A zero Duration / Timestamp message flattens to `{}`.
  const zero = kind === "duration" ? "0s" : kind === "timestamp" ? "1970-01-01T00:00:00Z" : undefined;
  const value = zero !== undefined && isEmptyObject(rule.value) ? zero : rule.value;
  if (keyword === "cel" && Array.isArray(value)) return scope + value.map(celRule).join("; ");
  if (value === true) return scope + keyword;
  const op = OPERATORS[keyword];
  if (op !== undefined) return `${scope}${op} ${plain(value, kind)}`;
  return `${scope}${keyword}: ${plain(value, kind)}`;
}

function celRule(c: unknown): string {
  if (typeof c !== "object" || c === null) return `cel: ${plain(c)}`;
  const { id, expression, message } = c as { id?: unknown; expression?: unknown; message?: unknown };
  const label = typeof id === "string" && id ? ` (${id})` : "";
  const why = typeof message === "string" && message ? ` — ${message}` : "";
  return `cel${label}: ${String(expression ?? "")}${why}`;
}

function plain(v: unknown, kind?: string): string {
  if (Array.isArray(v)) return `[${v.map((x) => plain(x, kind)).join(", ")}]`;
  if (typeof v === "string") return kind === "duration" || kind === "timestamp" ? v : JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v) ?? String(v);
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/**
 * `duration.gt.seconds = 1` + `duration.gt.nanos = 500000000` → `duration.gt = "1.5s"`; the same
 * for timestamps → `"1970-01-01T00:00:05Z"` (rule lists flattened from `{ seconds, nanos }`).
 */
function mergeDurationParts(rules: readonly Rule[]): Rule[] {
  const out: Rule[] = [];
  const merged = new Map<string, Rule>();
  for (const r of rules) {
    const m = /^(.*\b(?:duration|timestamp)\.[a-z_]+)\.(seconds|nanos)$/.exec(r.name);
    if (!m || (typeof r.value !== "number" && typeof r.value !== "string")) {
      out.push(r);
      continue;
    }
    const key = m[1] ?? r.name;
    let entry = merged.get(key);
    if (!entry) {
      entry = { name: key, value: { seconds: 0, nanos: 0 } };
      merged.set(key, entry);
      out.push(entry);
    }
    (entry.value as Record<string, number>)[m[2] ?? "seconds"] = Number(r.value);
  }
  for (const [name, entry] of merged) {
    const { seconds, nanos } = entry.value as { seconds: number; nanos: number };
    const time = new Date(seconds * 1000 + nanos / 1e6);
    entry.value =
      /\btimestamp\.[a-z_]+$/.test(name) && !Number.isNaN(time.getTime())
        ? time.toISOString().replace(".000Z", "Z")
        : `${Number((seconds + nanos / 1e9).toFixed(9))}s`;
  }
  return out;
}
