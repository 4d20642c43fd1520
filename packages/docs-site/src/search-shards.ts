import { tokenizeForIndex, type SearchDocument, type SearchKind } from "./search-index.js";

/**
 * The search index as small files loaded on demand (`assets/search/<name>.js`), so the first
 * search on a site with hundreds of thousands of elements reads a few hundred kilobytes, not the
 * whole index. Read by `assets/search-engine.js`; format version {@link SEARCH_FORMAT}:
 *
 * - `m` (manifest): `{ v, pages: [pageUrl, package][], kinds, chunk, docs, shards: [first, bytes][] }`.
 * - `t<i>` (term shard i): `{ term: [idDelta, score, idDelta, score, …] }` for the terms from
 *   `shards[i][0]` (inclusive) to `shards[i + 1][0]` (exclusive), in code-unit order, about
 *   {@link SHARD_BYTES} each. Document ids follow the elements' names (see below).
 * - `d<j>` (stored fields of documents `j*chunk … j*chunk+chunk-1`): `[kind, page, x, summary][]`,
 *   where `x` is the element's path inside its package (a leading "." marks an absolute name).
 *
 * Ranking is decided here, names first: a score per (term, document) from the fields holding the
 * term (name 4, path 2, package 2, summary 1), the element's kind (definitions over members), an
 * exact-name bonus and a shorter-name bonus. The browser sums scores over the query's terms.
 */
export const SEARCH_FORMAT = 3;

/** Terms are packed into shards of at most about this many bytes of JSON. */
export const SHARD_BYTES = 96 * 1024;
/** Documents per stored-fields chunk. */
export const CHUNK_DOCS = 256;

const KINDS: SearchKind[] = ["package", "service", "rpc", "message", "enum", "extension", "field", "value"];
const KIND_WEIGHT: Record<SearchKind, number> = {
  package: 1.3,
  service: 1.3,
  rpc: 1.3,
  message: 1.2,
  enum: 1.2,
  extension: 1,
  field: 0.9,
  value: 0.9,
};
const FIELD_WEIGHT = { name: 4, path: 2, pkg: 2, summary: 1 } as const;

/** One element as stored for display: kind index, page index, path inside the package, summary. */
type StoredDoc = [number, number, string, string];

function leafOf(kind: SearchKind, x: string): string {
  const short = x.startsWith(".") ? x.slice(1) : x;
  return kind === "rpc" || kind === "field" || kind === "value" ? short.slice(short.lastIndexOf(".") + 1) : short;
}

function terms(text: string): Set<string> {
  return new Set(tokenizeForIndex(text).map((t) => t.toLowerCase()));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Integer score of a term in one document (kept small: it is written once per posting). */
function scoreOf(fields: number, kind: SearchKind, term: string, name: string): number {
  const exact = term === name.toLowerCase() ? 2 : 1;
  const shortName = 1 + 4 / Math.max(name.length, 4);
  return Math.max(1, Math.round(fields * KIND_WEIGHT[kind] * exact * shortName * 4));
}

/** Builds every search file: name (`m`, `t0`, `d0`…) → JSON text. Deterministic for a given input. */
export function buildSearchFiles(docs: readonly SearchDocument[]): Map<string, string> {
  const pages: [string, string][] = [];
  const pageIds = new Map<string, number>();
  const stored: StoredDoc[] = [];
  const postings = new Map<string, number[]>(); // term → [id, score, id, score, …], ids ascending

  // Ids follow the elements' names, so the results of a query (mostly elements named alike
  // across packages) sit in one or two stored-field chunks instead of one chunk per package.
  const rows = docs.map((d) => {
    const prefix = d.pkg ? `${d.pkg}.` : "";
    const x = d.kind === "package" ? "" : d.fullName.startsWith(prefix) ? d.fullName.slice(prefix.length) : `.${d.fullName}`;
    const name = d.kind === "package" ? d.name : leafOf(d.kind, x);
    return { d, x, name, sortKey: name.toLowerCase() };
  });
  rows.sort((a, b) => compare(a.sortKey, b.sortKey) || compare(a.d.fullName, b.d.fullName) || compare(a.d.kind, b.d.kind));

  rows.forEach(({ d, x, name }, id) => {
    const page = d.url.split("#")[0] ?? d.url;
    let g = pageIds.get(page);
    if (g === undefined) {
      g = pages.push([page, d.pkg]) - 1;
      pageIds.set(page, g);
    }
    stored.push([KINDS.indexOf(d.kind), g, x, d.summary]);

    const weights = new Map<string, number>();
    const add = (set: Set<string>, w: number) => {
      for (const t of set) weights.set(t, (weights.get(t) ?? 0) + w);
    };
    add(terms(d.name), FIELD_WEIGHT.name);
    add(terms(x), FIELD_WEIGHT.path);
    if (d.kind === "package") add(terms(d.pkg), FIELD_WEIGHT.pkg);
    add(terms(d.summary), FIELD_WEIGHT.summary);
    for (const [term, w] of weights) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push(id, scoreOf(w, d.kind, term, name));
    }
  });

  // Each term's postings as JSON, ids delta-encoded.
  const encoded = new Map<string, string>();
  for (const [term, list] of postings) {
    const out: number[] = [];
    let last = 0;
    for (let i = 0; i < list.length; i += 2) {
      out.push(list[i]! - last, list[i + 1]!);
      last = list[i]!;
    }
    encoded.set(term, `${JSON.stringify(term)}:[${out.join(",")}]`);
  }

  // Terms in sorted order, packed into shards of about SHARD_BYTES: a shard holds the terms from
  // its first one up to the next shard's first, so a term, or every term with a prefix, lies in a
  // run of consecutive shards (a term bigger than a shard gets one of its own).
  const shards: { first: string; terms: string[]; bytes: number }[] = [];
  for (const term of [...encoded.keys()].sort(compare)) {
    const size = encoded.get(term)!.length + 1;
    const last = shards[shards.length - 1];
    if (last && last.bytes + size <= SHARD_BYTES) {
      last.terms.push(term);
      last.bytes += size;
    } else {
      shards.push({ first: term, terms: [term], bytes: size + 2 });
    }
  }

  const files = new Map<string, string>();
  const shardList: [string, number][] = [];
  shards.forEach((s, i) => {
    const text = `{${s.terms.map((t) => encoded.get(t)!).join(",")}}`;
    files.set(`t${i}`, text);
    shardList.push([s.first, text.length]);
  });
  for (let j = 0; j * CHUNK_DOCS < stored.length; j++) {
    files.set(`d${j}`, JSON.stringify(stored.slice(j * CHUNK_DOCS, (j + 1) * CHUNK_DOCS)));
  }
  files.set("m", JSON.stringify({ v: SEARCH_FORMAT, pages, kinds: KINDS, chunk: CHUNK_DOCS, docs: stored.length, shards: shardList }));
  return files;
}

/**
 * Wraps one search file as a script, so the site also searches from `file://` (where fetch is
 * blocked and only `<script>` loads work): it stores the data under its name for the engine.
 * `JSON.stringify` output is a valid script expression once U+2028/U+2029 cannot end it early,
 * and `<` is escaped so no `</script>` can appear.
 */
export function searchFileScript(name: string, json: string): string {
  const safe = json.replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `(self.__PROTOSHIP_SEARCH_DATA__=self.__PROTOSHIP_SEARCH_DATA__||{})[${JSON.stringify(name)}]=${safe};\n`;
}
