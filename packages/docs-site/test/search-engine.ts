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

/**
 * Runs the search engine a built site ships (`assets/search-engine.js`) in a VM, loading the
 * site's search files the way the page does (each script stores its data under its name), and
 * records which files a query read.
 */
export async function siteSearch(siteDir: string): Promise<{ search: (q: string) => Promise<SearchHit[]>; loaded: string[] }> {
  const assets = path.join(siteDir, "assets");
  const sandbox: Record<string, unknown> = {};
  sandbox.self = sandbox;
  vm.createContext(sandbox);
  vm.runInContext(await readFile(path.join(assets, "search-engine.js"), "utf8"), sandbox);
  const loaded: string[] = [];
  const load = async (name: string) => {
    loaded.push(name);
    vm.runInContext(await readFile(path.join(assets, "search", `${name}.js`), "utf8"), sandbox);
    const store = sandbox.__PROTOSHIP_SEARCH_DATA__ as Record<string, unknown>;
    const data = store[name];
    delete store[name];
    return data;
  };
  const engine = (sandbox.ProtoshipSearch as { create: (l: typeof load) => { search: (q: string) => Promise<SearchHit[]> } }).create(load);
  // Results cross the VM boundary: copy them into this realm so deepEqual compares plain objects.
  return { search: async (q) => JSON.parse(JSON.stringify(await engine.search(q))) as SearchHit[], loaded };
}
