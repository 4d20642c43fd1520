import MiniSearch from "minisearch";
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

/**
 * What is actually indexed and stored, kept compact because big corpora produce hundreds of
 * thousands of elements: `g` indexes the shared page table, `x` is the element's path inside its
 * package (fullName = pkg + "." + x; a leading "." marks an absolute name), `s` the summary.
 * `n` (name) and `q` (package) are indexed for matching but not stored.
 */
interface IndexedDoc {
  id: number;
  k: SearchKind;
  g: number;
  x: string;
  s: string;
  n: string;
  q: string;
}

/**
 * MiniSearch options shared by the build and the browser (`MiniSearch.loadJS`); shipped inside
 * the index file so both sides can never disagree.
 */
export const SEARCH_OPTIONS = {
  fields: ["n", "x", "s", "q"],
  storeFields: ["k", "g", "x", "s"],
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

/**
 * Builds the search index file: `{ version, options, pages, index }`, where `pages` is a table of
 * `[pageUrl, packageName]` and `index` is `MiniSearch#toJSON()` over compact documents.
 */
export function buildSearchIndexJson(docs: SearchDocument[]): string {
  const pages: [string, string][] = [];
  const pageIds = new Map<string, number>();
  const compact: IndexedDoc[] = docs.map((d, id) => {
    const page = d.url.split("#")[0] ?? d.url;
    let g = pageIds.get(page);
    if (g === undefined) {
      g = pages.push([page, d.pkg]) - 1;
      pageIds.set(page, g);
    }
    const prefix = d.pkg ? `${d.pkg}.` : "";
    const x = d.kind === "package" ? "" : d.fullName.startsWith(prefix) ? d.fullName.slice(prefix.length) : `.${d.fullName}`;
    return { id, k: d.kind, g, x, s: d.summary, n: d.name, q: d.kind === "package" ? d.name : "" };
  });
  const mini = new MiniSearch<IndexedDoc>({ ...SEARCH_OPTIONS, tokenize: tokenizeForIndex });
  mini.addAll(compact);
  return JSON.stringify({ version: 2, options: SEARCH_OPTIONS, pages, index: mini.toJSON() });
}

/** Reverses the compact form (what the browser does), for tests and tooling. */
export function expandSearchResult(
  stored: { k: SearchKind; g: number; x: string; s: string },
  pages: [string, string][],
): SearchDocument {
  const [page, pkg] = pages[stored.g] ?? ["", ""];
  const fullName = stored.k === "package" ? pkg : stored.x.startsWith(".") ? stored.x.slice(1) : pkg ? `${pkg}.${stored.x}` : stored.x;
  const short = stored.x.startsWith(".") ? stored.x.slice(1) : stored.x;
  const leaf = short.slice(short.lastIndexOf(".") + 1);
  const name = stored.k === "package" ? pkg || "(no package)" : stored.k === "rpc" || stored.k === "field" || stored.k === "value" ? leaf : short;
  return { kind: stored.k, name, fullName, pkg, summary: stored.s, url: stored.k === "package" ? page : `${page}#${encodeURIComponent(fullName)}` };
}
