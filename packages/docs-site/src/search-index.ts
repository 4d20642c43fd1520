import MiniSearch from "minisearch";
import { plainSummary } from "./markdown.js";
import { normalizeTypeName, type SiteModel } from "./site-model.js";

/** Kinds of searchable elements. */
export type SearchKind = "package" | "service" | "rpc" | "message" | "field" | "enum" | "value" | "extension";

/** One searchable element. `url` is site-relative (page + fragment). */
export interface SearchDocument {
  id: number;
  kind: SearchKind;
  name: string;
  fullName: string;
  pkg: string;
  summary: string;
  url: string;
}

/**
 * MiniSearch options shared by the build (index) and the browser (loadJS). Shipped inside the
 * index file so both sides can never disagree.
 */
export const SEARCH_OPTIONS = {
  fields: ["name", "fullName", "summary"],
  storeFields: ["kind", "name", "fullName", "pkg", "summary", "url"],
};

const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;
const CAMEL_BOUNDARY = /(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

/**
 * Index-time tokenizer: MiniSearch's default split, plus camelCase parts, so "order service"
 * finds `OrderService` while the whole identifier stays searchable by prefix ("GetOrd").
 * Queries use the default tokenizer, so the browser needs no copy of this function.
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
    docs.push({ id: docs.length, kind, name, fullName, pkg, summary: plainSummary(description), url });
  for (const p of site.packages) {
    const at = (full: string) => `${p.page}#${encodeURIComponent(full)}`;
    add("package", p.label, p.name, p.name, p.files.map((f) => f.description ?? "").join("\n\n"), p.page);
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

/** Builds the serialised index file contents: `{ options, index }` for `MiniSearch.loadJS`. */
export function buildSearchIndexJson(docs: SearchDocument[]): string {
  const mini = new MiniSearch<SearchDocument>({ ...SEARCH_OPTIONS, tokenize: tokenizeForIndex });
  mini.addAll(docs);
  return JSON.stringify({ version: 1, options: SEARCH_OPTIONS, index: mini.toJSON() });
}
