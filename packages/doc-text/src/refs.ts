import { wellKnownTypeUrl } from "./well-known.js";

/**
 * The proto name a reference target names. Sphinx labels of generated API docs carry a prefix
 * (`api_msg_config.cluster.v3.Cluster`, `envoy_v3_api_field_config.cluster.v3.Cluster.name`);
 * plain targets are proto names already.
 */
export function refName(target: string): string {
  return target
    .trim()
    .replace(/^(?:\w*?_)?api_(?:msg|field|enum_value|enum|file|oneof)_/, "")
    .replace(/^\./, "");
}

/**
 * Resolves reference targets in comments to hrefs: by full name, else by a unique full name that
 * ends with the target (labels often drop the leading package segments), else — for a member
 * (field, value, RPC) without its own anchor — by its parent (one level); well-known types not in the index
 * resolve to the protobuf reference. Unresolved targets give undefined (shown as text).
 */
export class RefIndex {
  private readonly byName = new Map<string, string>();
  private readonly byLast = new Map<string, string[]>();

  /** Adds a documented element. The first href added for a name wins. */
  add(fullName: string, href: string): void {
    const name = fullName.replace(/^\./, "");
    if (this.byName.has(name)) return;
    this.byName.set(name, href);
    const last = name.slice(name.lastIndexOf(".") + 1);
    const list = this.byLast.get(last);
    if (list) list.push(name);
    else this.byLast.set(last, [name]);
  }

  /** The href of a documented name, or of a well-known type. */
  href(fullName: string | undefined): string | undefined {
    const name = (fullName ?? "").replace(/^\./, "");
    return this.byName.get(name) ?? wellKnownTypeUrl(name);
  }

  /** Resolves a `:ref:` target or proto name (see the class comment). */
  resolve = (target: string): string | undefined => {
    const name = refName(target);
    if (name === "") return undefined;
    return this.lookup(name) ?? (name.includes(".") ? this.lookup(name.slice(0, name.lastIndexOf("."))) : undefined);
  };

  private lookup(name: string): string | undefined {
    const exact = this.href(name);
    if (exact !== undefined) return exact;
    const last = name.slice(name.lastIndexOf(".") + 1);
    const candidates = (this.byLast.get(last) ?? []).filter((n) => n.endsWith(`.${name}`));
    return candidates.length === 1 && candidates[0] !== undefined ? this.byName.get(candidates[0]) : undefined;
  }
}
