import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Node } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { DEFAULTS } from "./defaults.js";
import type { ProtoshipConfig } from "./schema.js";

export const CONFIG_FILE = "protoship.yaml";

/**
 * Reads and validates protoship.yaml at the repository root. A missing file means all defaults.
 * Errors name the file, the line and column of the offending key, the key path and what was
 * expected, e.g. `protoship.yaml:4:3: stubs.scope: expected an npm scope such as @acme`.
 */
export async function loadConfig(root: string): Promise<ProtoshipConfig> {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return structuredClone(DEFAULTS) as ProtoshipConfig;
    throw new ConfigError(`${CONFIG_FILE}: cannot read: ${(error as Error).message}`);
  }
  return parseConfigText(text, CONFIG_FILE);
}

/** Validates config text; `label` is how the file is named in messages. */
export async function parseConfigText(text: string, label: string): Promise<ProtoshipConfig> {
  const [{ configSchema }, { LineCounter, parseDocument, isMap, isSeq }] = await Promise.all([import("./schema.js"), import("yaml")]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const where = pos ? `${label}:${pos.line}:${pos.col}` : label;
    throw new ConfigError(`${where}: invalid YAML: ${yamlError.message.split("\n")[0]}`);
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issuePath(issue);
  const node = nodeAt(doc.contents, keyPath, isMap, isSeq);
  const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
  const where = pos ? `${label}:${pos.line}:${pos.col}` : label;
  throw new ConfigError(`${where}: ${keyPath.join(".") || "(root)"}: ${describeIssue(issue)}`);
}

function issuePath(issue: z.core.$ZodIssue): string[] {
  const base = issue.path.map(String);
  // For an unknown key, point at the key itself rather than its parent object.
  if (issue.code === "unrecognized_keys" && issue.keys[0]) return [...base, issue.keys[0]];
  return base;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown key (known keys are listed in the README's configuration reference)`;
  return issue.message.replace(/^Invalid input: /, "");
}

function nodeAt(root: unknown, keyPath: readonly string[], isMap: (n: unknown) => n is import("yaml").YAMLMap, isSeq: (n: unknown) => n is import("yaml").YAMLSeq): Node | undefined {
  let node = root as Node | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === key);
      if (!pair) return node;
      // Unknown-key errors point at the key; others at the value.
      node = ((pair.value as Node | null) ?? (pair.key as Node)) as Node;
      if (key === keyPath[keyPath.length - 1] && pair.key) node = pair.key as Node;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) return node;
      node = item as Node;
    } else {
      return node;
    }
  }
  return node;
}
