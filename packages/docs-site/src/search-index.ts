import { plainSummary } from "./markdown.js";
import { normalizeTypeName, type SiteModel } from "./site-model.js";

/** Kinds of searchable elements. */
export type SearchKind = "package" | "service" | "rpc" | "message" | "field" | "enum" | "value" | "extension";

/** One searchable element as the browser shows it. `url` is site-relative (page + fragment). */
export interface SearchDocument {
  kind: SearchKind;
  /** Short name shown in results (`GetOrder`, `Vehicle.Category`). */
  name: string;
  fullName: string;
  pkg: string;
  summary: string;
  url: string;
}

const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;
const CAMEL_BOUNDARY = /(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

/**
 * Index-time tokenizer: split on spaces and punctuation (as `assets/search-engine.js` splits
 * queries), plus camelCase parts, so "order service" finds `OrderService` while the whole
 * identifier stays searchable by prefix ("GetOrd"). Terms are lowercased by the caller.
 */
export function tokenizeForIndex(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(SPACE_OR_PUNCTUATION)) {
    if (!token) continue;
    out.push(token);
    const parts = token.split(CAMEL_BOUNDARY);
    if (parts.length > 1) out.push(...parts);
  }
  return out;
}

/** Collects every documented element of the site as a search document. */
export function collectSearchDocuments(site: SiteModel): SearchDocument[] {
  const docs: SearchDocument[] = [];
  const add = (kind: SearchKind, name: string, fullName: string, pkg: string, description: string | undefined, url: string) =>
    docs.push({ kind, name, fullName, pkg, summary: plainSummary(description, 120), url });
  for (const p of site.packages) {
    const at = (full: string) => `${p.page}#${encodeURIComponent(full)}`;
    add("package", p.label, p.name, p.name, p.description || p.files.map((f) => f.description ?? "").join("\n\n"), p.page);
    for (const s of p.services) {
      add("service", s.longName, s.fullName, p.name, s.description, at(s.fullName));
      for (const m of s.methods) add("rpc", m.name, `${s.fullName}.${m.name}`, p.name, m.description, at(`${s.fullName}.${m.name}`));
    }
    for (const m of p.messages) {
      add("message", m.longName, m.fullName, p.name, m.description, at(m.fullName));
      for (const f of m.fields) add("field", f.name, `${m.fullName}.${f.name}`, p.name, f.description, at(`${m.fullName}.${f.name}`));
    }
    for (const e of p.enums) {
      add("enum", e.longName, e.fullName, p.name, e.description, at(e.fullName));
      for (const v of e.values) add("value", v.name, `${e.fullName}.${v.name}`, p.name, v.description, at(`${e.fullName}.${v.name}`));
    }
    for (const x of p.extensions) {
      const full = normalizeTypeName(x.fullName) || x.name;
      add("extension", x.longName ?? x.name, full, p.name, x.description, at(full));
    }
  }
  return docs;
}
