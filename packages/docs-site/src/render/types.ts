import { wellKnownTypeUrl, type RefResolver } from "@protoship/doc-text";
import { escapeHtml, html, raw, type SafeHtml } from "../html.js";
import type { DocField } from "../model.js";
import { normalizeTypeName, type SiteModel } from "../site-model.js";

/** Where a name may wrap: after a dot, underscore or slash, and between words of a CamelCase name. */
const NAME_BREAKS = /(?<=[._/])|(?<=[a-z0-9])(?=[A-Z])/;

/**
 * Escapes a name and lets it wrap only between its parts (`max_inbound_window_update_frames_per_data_frame_sent`
 * or `HealthCheckRequestOrEndpointHealthResponse` is wider than a phone), never mid-word.
 */
export function breakableName(name: string): SafeHtml {
  return raw(name.split(NAME_BREAKS).map(escapeHtml).join("<wbr>"));
}

/** Renders references to proto types as links to their definitions. */
export class TypeLinker {
  private readonly scalarNames: Set<string>;

  constructor(
    private readonly site: SiteModel,
    /** Prefix from the current page to the site root. */
    private readonly root: string,
    /** Package of the current page; same-package types are shown by their shorter long name. */
    private readonly currentPkg: string,
  ) {
    this.scalarNames = new Set(site.scalars.map((s) => s.protoType));
  }

  /** A link to the type's definition, or plain code when it is not documented here. */
  ref(fullType: string | undefined, longType: string | undefined, type: string): SafeHtml {
    const full = normalizeTypeName(fullType) || normalizeTypeName(longType) || type;
    const target = this.site.types.get(full);
    if (target) {
      const label = target.pkg === this.currentPkg ? longType || type : full;
      return html`<a class="type-link" href="${this.root}${target.href}" title="${full}"><code>${breakableName(label)}</code></a>`;
    }
    if (this.scalarNames.has(full)) {
      return html`<a class="type-link scalar" href="${this.root}index.html#scalar-${full}"><code>${breakableName(full)}</code></a>`;
    }
    const reference = wellKnownTypeUrl(full);
    if (reference) {
      const title = `${full} in the protobuf reference`;
      return html`<a class="type-link well-known" href="${reference}" title="${title}" rel="noopener noreferrer"><code>${breakableName(full)}</code></a>`;
    }
    return html`<code class="type-external" title="${full}">${breakableName(full || type)}</code>`;
  }

  /** Resolves comment references to hrefs relative to the current page. */
  readonly resolveRef: RefResolver = (target) => {
    const href = this.site.refs.resolve(target);
    return href === undefined || /^[a-z][a-z0-9+.-]*:/i.test(href) ? href : `${this.root}${href}`;
  };

  /** The type column of a field: `map<K, V>` for maps, otherwise a link. */
  fieldType(f: DocField): SafeHtml {
    if (f.ismap) {
      const entry = this.site.mapEntries.get(normalizeTypeName(f.fullType));
      const key = entry?.fields.find((x) => x.name === "key");
      const value = entry?.fields.find((x) => x.name === "value");
      if (key && value) {
        return html`<span class="map-type"><code>map&lt;</code>${this.ref(key.fullType, key.longType, key.type)}<code>, </code>${this.ref(value.fullType, value.longType, value.type)}<code>&gt;</code></span>`;
      }
      if (f.mapKey?.type && f.mapValue?.type) {
        const k = f.mapKey;
        const v = f.mapValue;
        return html`<span class="map-type"><code>map&lt;</code>${this.ref(k.fullType, k.longType, k.type)}<code>, </code>${this.ref(v.fullType, v.longType, v.type)}<code>&gt;</code></span>`;
      }
    }
    return this.ref(f.fullType, f.longType, f.type);
  }
}
