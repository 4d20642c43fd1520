/**
 * Where protoship keeps its caches between runs, as other JavaScript tools keep theirs: ignored by
 * git with node_modules, inside the repository.
 */
export const CACHE_DIR = "node_modules/.cache/protoship";
