import path from "node:path";
import { parseCached, siblingModule, type ParseCache } from "./parse-cache.js";
import { DEFAULTS } from "./defaults.js";
import type { ProtoshipConfig } from "./schema.js";
import { parseConfigYaml, readConfigFile } from "../yaml/config-yaml.js";

export const CONFIG_FILE = "protoship.yaml";

/**
 * Reads and validates protoship.yaml at the repository root. A missing file means all defaults.
 * Errors name the file, the line and column of the offending key, the key path and what was
 * expected, e.g. `protoship.yaml:4:3: stubs.scope: expected an npm scope such as @acme`; a file
 * over 1 MiB is refused before it is parsed. A file validated before, byte for byte, by this
 * version of protoship is served from its proven cache entry ({@link parseCached}).
 */
export async function loadConfig(root: string): Promise<ProtoshipConfig> {
  const text = await readConfigFile(path.join(root, CONFIG_FILE), CONFIG_FILE);
  if (text === undefined) return structuredClone(DEFAULTS) as ProtoshipConfig;
  return parseCached(root, CONFIG_CACHE, text, () => parseConfigText(text, CONFIG_FILE));
}

/** protoship.yaml's entry: what it validates into is decided by the schema module. */
const CONFIG_CACHE: ParseCache = { entry: "config.json", modules: [siblingModule(import.meta.url, "schema")] };

/** Validates config text; `label` is how the file is named in messages. */
export async function parseConfigText(text: string, label: string): Promise<ProtoshipConfig> {
  // Both modules load side by side; parseConfigYaml's own import of yaml is then served from cache.
  const [{ configSchema }] = await Promise.all([import("./schema.js"), import("yaml")]);
  const unknownKey = "unknown key (known keys are listed in the README's configuration reference)";
  return parseConfigYaml(text, label, configSchema, { unknownKey });
}
