import { readFile } from "node:fs/promises";
import path from "node:path";
import vm from "node:vm";

/** One result as the site's search shows it. */
export interface SearchHit {
  kind: string;
  name: string;
  fullName: string;
  summary: string;
  url: string;
}

/** A query on the site's engine: its hits, or null for a query stopped as superseded. */
export interface SiteSearch {
  (q: string): Promise<SearchHit[]>;
  (q: string, superseded: () => boolean, onHead?: (head: SearchHit[]) => void): Promise<SearchHit[] | null>;
}

/**
 * Runs the search engine a built site ships (`assets/search-engine.js`) in a VM, loading the
 * site's search files the way the page does (each script stores its data under its name), and
 * records which files a query read. `onLoad(name)` is called as a file is requested (the file is read
 * once the promise it returns settles). `search(q, superseded, onHead)` passes `superseded` (the page's
 * "a newer query exists") and `onHead` (the best results, shown while the rest loads) to the engine;
 * it resolves to null when the engine stopped because of `superseded`.
 */
export async function siteSearch(
  siteDir: string,
  onLoad?: (name: string) => void | Promise<void>,
): Promise<{ search: SiteSearch; loaded: string[] }> {
  const assets = path.join(siteDir, "assets");
  const sandbox: Record<string, unknown> = {};
  sandbox.self = sandbox;
  vm.createContext(sandbox);
  vm.runInContext(await readFile(path.join(assets, "search-engine.js"), "utf8"), sandbox);
  const loaded: string[] = [];
  const load = async (name: string) => {
    loaded.push(name);
    await onLoad?.(name);
    vm.runInContext(await readFile(path.join(assets, "search", `${name}.js`), "utf8"), sandbox);
    const store = sandbox.__PROTOSHIP_SEARCH_DATA__ as Record<string, unknown>;
    const data = store[name];
    delete store[name];
    return data;
  };
  type Engine = {
    search: (q: string, superseded?: () => boolean, onHead?: (head: SearchHit[]) => void) => Promise<SearchHit[] | null>;
  };
  const engine = (sandbox.ProtoshipSearch as { create: (l: typeof load) => Engine }).create(load);
  // Results cross the VM boundary: copy them into this realm so deepEqual compares plain objects.
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const search = (async (q: string, superseded?: () => boolean, onHead?: (head: SearchHit[]) => void) =>
    copy(await engine.search(q, superseded, onHead && ((head) => onHead(copy(head)))))) as SiteSearch;
  return { search, loaded };
}
