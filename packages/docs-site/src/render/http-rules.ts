import type { DocHttpRule, DocOptions } from "../model.js";

const VERBS = ["get", "put", "post", "delete", "patch"] as const;

function fromRuleObject(o: Record<string, unknown>): DocHttpRule[] {
  const out: DocHttpRule[] = [];
  // protoc-gen-doc style: { method, pattern, body }
  if (typeof o.method === "string" && typeof o.pattern === "string") {
    out.push({
      method: o.method.toUpperCase(),
      pattern: o.pattern,
      ...(typeof o.body === "string" ? { body: o.body } : {}),
      ...(typeof o.responseBody === "string" ? { responseBody: o.responseBody } : {}),
    });
    return out;
  }
  // google.api.HttpRule style: { get: "/v1/x", body, additional_bindings: [...] }
  for (const verb of VERBS) {
    const pattern = o[verb];
    if (typeof pattern === "string") {
      out.push({ method: verb.toUpperCase(), pattern, ...(typeof o.body === "string" ? { body: o.body } : {}) });
    }
  }
  const custom = o.custom;
  if (custom && typeof custom === "object") {
    const c = custom as Record<string, unknown>;
    if (typeof c.kind === "string" && typeof c.path === "string") out.push({ method: c.kind, pattern: c.path });
  }
  const extra = o.additional_bindings ?? o.additionalBindings;
  if (Array.isArray(extra))
    for (const e of extra) if (e && typeof e === "object") out.push(...fromRuleObject(e as Record<string, unknown>));
  return out;
}

/** Extracts HTTP bindings from a method's `google.api.http` option, tolerating both known shapes. */
export function httpRules(options: DocOptions | undefined): DocHttpRule[] {
  const opt = options?.["google.api.http"];
  if (!opt || typeof opt !== "object") return [];
  const o = opt as Record<string, unknown>;
  if (Array.isArray(o.rules)) {
    return o.rules.flatMap((r) => (r && typeof r === "object" ? fromRuleObject(r as Record<string, unknown>) : []));
  }
  return fromRuleObject(o);
}
