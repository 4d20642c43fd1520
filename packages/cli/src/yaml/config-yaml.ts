import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { Document, Node } from "yaml";
import { ConfigError } from "../errors.js";

/** Configuration files (protoship.yaml, buf.yaml) larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Nodes YAML aliases may expand to, in all (yaml's default): an alias bomb stops here. */
const MAX_ALIAS_COUNT = 100;

/**
 * Reads a configuration file, or undefined when there is none. A file over MAX_CONFIG_BYTES is
 * refused before its content is read, so its size, not its content, bounds protoship's time and
 * memory. `label` is how messages name the file.
 */
export async function readConfigFile(file: string, label: string): Promise<string | undefined> {
  // Read synchronously: a few small reads are done at once, where each of the thread pool's round
  // trips would wait for the main thread (busy with git's listings on `check`'s start).
  let fd: number;
  try {
    // Non-blocking: a FIFO in the file's place is refused below (not a file) instead of waited on.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`${label}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ConfigError(`${label}: not a file`);
    if (stat.size > MAX_CONFIG_BYTES) throw tooLarge(label, stat.size);
    // Read at most one byte over the limit: a file that grew since stat() is refused too. Only
    // the bytes read are ever used.
    const buffer = Buffer.allocUnsafe(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw tooLarge(label, length);
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function tooLarge(label: string, size: number): ConfigError {
  return new ConfigError(`${label}: ${size} bytes, over the ${MAX_CONFIG_BYTES / 2 ** 20} MiB limit for configuration files`);
}

/** One problem a schema found, in zod's shape (the first one is reported). */
export interface ConfigIssue {
  code: string;
  /** Key path to the offending value. */
  path: readonly PropertyKey[];
  message: string;
  /** For `unrecognized_keys`: the keys not allowed. */
  keys?: readonly string[];
}

/** What {@link parseConfigYaml} needs of a schema: a zod schema, or a hand-written check answering the same way. */
export interface ConfigSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: readonly ConfigIssue[] } };
}

/** How {@link parseConfigYaml} describes a key the schema does not allow. */
export interface ConfigYamlOptions {
  unknownKey?: string;
}

/**
 * Parses YAML text and validates it with `schema`. Every problem is a one-line ConfigError that
 * names `label:line:col` and the key path: a syntax error, an alias bomb, a value of the wrong
 * type, e.g. `protoship.yaml:4:3: stubs.scope: expected an npm scope such as @acme`.
 */
export async function parseConfigYaml<T>(
  text: string,
  label: string,
  schema: ConfigSchema<T>,
  options: ConfigYamlOptions = {},
): Promise<T> {
  const { LineCounter, parseDocument, isMap, isSeq, visit } = await import("yaml"); // loaded only when a configuration is read
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return label;
    const pos = lineCounter.linePos(offset);
    return `${label}:${pos.line}:${pos.col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) throw new ConfigError(`${where(yamlError.pos[0])}: invalid YAML: ${firstSentence(yamlError.message)}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // yaml throws without a position (alias bombs, unresolved aliases): point at the first alias.
    const alias = firstAlias(doc, visit);
    const message = (error as Error).message;
    const cause = /excessive alias count/i.test(message)
      ? `aliases expand to more than ${MAX_ALIAS_COUNT} nodes, refused as a resource exhaustion attack`
      : firstSentence(message);
    throw new ConfigError(`${where(alias?.range?.[0])}: invalid YAML: ${cause}${alias ? ` (first alias: *${alias.source})` : ""}`);
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issuePath(issue);
  const node = nodeAt(doc.contents, keyPath, isMap, isSeq);
  throw new ConfigError(`${where(node?.range?.[0])}: ${keyPath.join(".") || "(root)"}: ${describeIssue(issue, options)}`);
}

function firstAlias(doc: Document, visit: typeof import("yaml").visit): import("yaml").Alias | undefined {
  let found: import("yaml").Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** yaml's messages may quote the source over several lines; the first line carries the cause. */
function firstSentence(message: string): string {
  return message
    .split("\n")[0]!
    .replace(/ at line \d+, column \d+:?$/, "")
    .trim();
}

function issuePath(issue: ConfigIssue): string[] {
  const base = issue.path.map(String);
  // For an unknown key, point at the key itself rather than its parent object.
  if (issue.code === "unrecognized_keys" && issue.keys?.[0]) return [...base, issue.keys[0]];
  return base;
}

function describeIssue(issue: ConfigIssue, options: ConfigYamlOptions): string {
  if (issue.code === "unrecognized_keys") return options.unknownKey ?? "unknown key";
  return issue.message.replace(/^Invalid input: /, "");
}

/** The YAML node a zod issue's key path names, or the deepest one that exists. */
function nodeAt(
  root: unknown,
  keyPath: readonly string[],
  isMap: (n: unknown) => n is import("yaml").YAMLMap,
  isSeq: (n: unknown) => n is import("yaml").YAMLSeq,
): Node | undefined {
  let node = root as Node | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === key);
      if (!pair) return node;
      // Descend through values; the last key of the path is pointed at itself (its line and column).
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
