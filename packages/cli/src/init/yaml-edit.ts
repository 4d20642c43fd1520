import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { ConfigError } from "../errors.js";

/**
 * A user's YAML file (lefthook.yml, pnpm-workspace.yaml, buf.yaml) opened for a small edit: its
 * comments and layout stay, and every node init walks through is checked first, so a file of an
 * unexpected shape (a scalar or list where a mapping belongs, an empty key, an alias that an edit
 * would change in two places) is a ConfigError naming `file:line:col`, the key and what was
 * expected — never a crash, never a mangled file.
 */
export class YamlEdit {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    const error = this.doc.errors[0];
    if (error) throw new ConfigError(`${this.where(error.pos[0])}: invalid YAML: ${error.message.split("\n")[0]}`);
    if (this.doc.contents !== null && !isMap(this.doc.contents)) this.refuse(this.doc.contents, [], "a mapping");
  }

  /** The mapping at `keys`, created (empty) when it or any parent is missing or null. */
  mapAt(keys: readonly string[]): YAMLMap {
    if (this.doc.contents === null || (isScalar(this.doc.contents) && this.doc.contents.value === null)) {
      this.doc.contents = this.doc.createNode({}) as never;
    }
    let map = this.doc.contents as unknown as YAMLMap;
    for (let i = 0; i < keys.length; i++) {
      this.checkKeys(map, keys.slice(0, i));
      const value = this.valueAt(map, keys.slice(0, i + 1));
      if (value === undefined) {
        const created = this.doc.createNode({}) as YAMLMap;
        map.set(keys[i], created);
        map = created;
      } else if (isMap(value)) {
        map = value;
      } else {
        this.refuse(value, keys.slice(0, i + 1), "a mapping");
      }
    }
    this.checkKeys(map, keys);
    return map;
  }

  /**
   * The list at `keys` (created when missing or null): its items must be strings. `parent`, when
   * given, is the mapping that holds it (one inside a list, which mapAt does not walk).
   */
  stringListAt(keys: readonly string[], parent: YAMLMap = this.mapAt(keys.slice(0, -1))): YAMLSeq {
    const value = this.valueAt(parent, keys);
    if (value === undefined) {
      const created = this.doc.createNode([]) as YAMLSeq;
      parent.set(keys[keys.length - 1], created);
      return created;
    }
    if (!isSeq(value)) this.refuse(value, keys, "a list of strings");
    for (const item of value.items) {
      if (!isScalar(item) || typeof item.value !== "string") this.refuse(item as Node, keys, "a list of strings");
    }
    return value;
  }

  /** The text after the edits. */
  toString(): string {
    return this.doc.toString();
  }

  /** The node under `keys.at(-1)` in `map`: undefined when absent or null, refused when an alias. */
  private valueAt(map: YAMLMap, keys: readonly string[]): Node | undefined {
    const key = keys[keys.length - 1];
    const pair = map.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    const value = pair?.value as Node | null | undefined;
    if (value === null || value === undefined || (isScalar(value) && value.value === null)) return undefined;
    if (isAlias(value)) this.refuse(value, keys, "a value written out (init does not edit through an alias)");
    return value;
  }

  private checkKeys(map: YAMLMap, keys: readonly string[]): void {
    for (const pair of map.items) {
      const key = pair.key as Node | string | null;
      if (typeof key === "string" && key !== "") continue; // a key init added
      if (typeof key === "string") this.refuse(map, keys, "no empty key");
      if (isAlias(key)) this.refuse(key, keys, "keys written out, not an alias");
      if (!isScalar(key) || key.value === null || key.value === "") this.refuse(key ?? map, keys, "no empty key");
    }
  }

  private refuse(node: Node, keys: readonly string[], expected: string): never {
    const found = isAlias(node)
      ? "an alias"
      : isMap(node)
        ? "a mapping"
        : isSeq(node)
          ? "a list"
          : isScalar(node)
            ? `${JSON.stringify(node.value)}`
            : "something else";
    throw new ConfigError(`${this.where(node.range?.[0])}: ${keys.join(".") || "(top level)"}: expected ${expected}, found ${found}`);
  }

  private where(offset: number | undefined): string {
    if (offset === undefined) return this.file;
    const pos = this.lines.linePos(offset);
    return `${this.file}:${pos.line}:${pos.col}`;
  }
}
