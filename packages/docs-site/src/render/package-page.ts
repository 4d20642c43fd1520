import { formatRules, isRuleList, RULE_OPTIONS, type RefResolver } from "@protoship/doc-text";
import { html, raw, type SafeHtml } from "../html.js";
import { renderMarkdown } from "../markdown.js";
import type { DocElement, DocExtension, DocField, DocMethod, DocOptions } from "../model.js";
import {
  isDeprecated,
  normalizeTypeName,
  type NEnum,
  type NMessage,
  type NService,
  type PackageInfo,
  type SiteModel,
} from "../site-model.js";
import type { TocGroup } from "./layout.js";
import { httpRules } from "./http-rules.js";
import { breakableName, TypeLinker } from "./types.js";

/** Anchor id of an element: its full name (unique per package, since proto symbols are). */
export function anchorId(fullName: string): string {
  return fullName;
}

function anchorHref(fullName: string): string {
  return `#${encodeURIComponent(fullName)}`;
}

const deprecatedBadge = html`<span class="badge badge-deprecated" title="Deprecated: avoid in new code">Deprecated</span>`;

function markdown(text: string | undefined, resolveRef: RefResolver): SafeHtml {
  const body = renderMarkdown(text, { resolveRef });
  return body ? html`<div class="md">${raw(body)}</div>` : html``;
}

/** Options other than `deprecated`, shown compactly for completeness (values are escaped); validation rules as text. */
function otherOptions(options: DocOptions | undefined, skip: string[] = []): SafeHtml {
  const entries = Object.entries(options ?? {}).filter(([k]) => k !== "deprecated" && !skip.includes(k));
  if (entries.length === 0) return html``;
  const rules = (list: string[]) => list.map((r, i) => html`${i > 0 ? ", " : ""}<code class="rule">${r}</code>`);
  return html`<ul class="options">${entries.map(([k, v]) =>
    RULE_OPTIONS.has(k) && isRuleList(v)
      ? html`<li class="rules"><code>${k}</code>: ${rules(formatRules(v))}</li>`
      : html`<li><code>${k}</code> = <code>${JSON.stringify(v)}</code></li>`,
  )}</ul>`;
}

function heading(level: "h2" | "h3", fullName: string, label: string, kind: string, el: DocElement): SafeHtml {
  const dep = isDeprecated(el);
  const inner = html`<span class="kind kind-${kind}">${kind}</span> <span class="el-name${dep ? " is-deprecated" : ""}">${label}</span>${dep ? html` ${deprecatedBadge}` : ""}<a class="anchor" href="${anchorHref(fullName)}" aria-label="Link to ${label}">#</a>`;
  return level === "h2" ? html`<h2 class="el-heading">${inner}</h2>` : html`<h3 class="el-heading">${inner}</h3>`;
}

class PackagePage {
  private readonly types: TypeLinker;

  constructor(
    site: SiteModel,
    private readonly pkg: PackageInfo,
    root: string,
  ) {
    this.types = new TypeLinker(site, root, pkg.name);
  }

  private description(el: DocElement): SafeHtml {
    return markdown(el.description, this.types.resolveRef);
  }

  service(s: NService): SafeHtml {
    return html`<section class="element" id="${anchorId(s.fullName)}">
${heading("h3", s.fullName, s.longName, "service", s)}
${this.description(s)}
${otherOptions(s.options)}
<div class="rpcs">${s.methods.map((m) => this.method(s, m))}</div>
</section>`;
  }

  method(s: NService, m: DocMethod): SafeHtml {
    const id = `${s.fullName}.${m.name}`;
    const dep = isDeprecated(m);
    const rules = httpRules(m.options);
    const stream = html`<span class="kw kw-stream" title="streaming">stream</span> `;
    return html`<article class="rpc" id="${anchorId(id)}">
<h4 class="rpc-heading"><span class="kind kind-rpc">rpc</span> <span class="el-name${dep ? " is-deprecated" : ""}">${m.name}</span>${dep ? html` ${deprecatedBadge}` : ""}${m.requestStreaming ? html` <span class="badge badge-stream">client streaming</span>` : ""}${m.responseStreaming ? html` <span class="badge badge-stream">server streaming</span>` : ""}<a class="anchor" href="${anchorHref(id)}" aria-label="Link to ${m.name}">#</a></h4>
<p class="signature"><code class="kw">rpc</code> <code>${breakableName(m.name)}</code><code>(</code>${m.requestStreaming ? stream : ""}${this.types.ref(m.requestFullType, m.requestLongType, m.requestType)}<code>)</code> <code class="kw">returns</code> <code>(</code>${m.responseStreaming ? stream : ""}${this.types.ref(m.responseFullType, m.responseLongType, m.responseType)}<code>)</code></p>
${rules.length > 0 ? html`<ul class="http-rules">${rules.map((r) => html`<li><span class="http-method http-${r.method.toLowerCase()}">${r.method}</span> <code class="http-path">${r.pattern}</code>${r.body ? html` <span class="http-body">body: <code>${r.body}</code></span>` : ""}${r.responseBody ? html` <span class="http-body">response body: <code>${r.responseBody}</code></span>` : ""}</li>`)}</ul>` : ""}
${this.description(m)}
${otherOptions(m.options, ["google.api.http"])}
</article>`;
  }

  message(m: NMessage): SafeHtml {
    const showNumber = m.fields.some((f) => f.number !== undefined && f.number !== "");
    const oneofDocs = new Map((m.oneofs ?? []).map((o) => [o.name, o]));
    const rows: SafeHtml[] = [];
    let group = "";
    for (const f of m.fields) {
      // proto3 `optional` creates a synthetic oneof named `_field`; it is not a real group.
      const decl = f.isoneof && f.oneofdecl && f.oneofdecl !== `_${f.name}` ? f.oneofdecl : "";
      if (decl && decl !== group) {
        const doc = oneofDocs.get(decl);
        rows.push(
          html`<tr class="oneof-row"><td colspan="${showNumber ? 4 : 3}"><span class="kw">oneof</span> <code>${decl}</code> <span class="muted">exactly one of the fields below may be set</span>${doc?.description ? markdown(doc.description, this.types.resolveRef) : ""}</td></tr>`,
        );
      }
      group = decl;
      rows.push(this.fieldRow(m, f, showNumber, decl !== ""));
    }
    const table =
      m.fields.length === 0
        ? html`<p class="muted">This message has no fields.</p>`
        : html`<table class="fields"><thead><tr><th>Field</th>${showNumber ? html`<th>#</th>` : ""}<th>Type</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`;
    return html`<section class="element" id="${anchorId(m.fullName)}">
${heading("h3", m.fullName, m.longName, "message", m)}
${this.description(m)}
${otherOptions(m.options)}
${table}
${m.extensions.length > 0 ? html`<h4>Extensions declared here</h4>${this.extensionTable(m.extensions)}` : ""}
</section>`;
  }

  fieldRow(m: NMessage, f: DocField, showNumber: boolean, inOneof: boolean): SafeHtml {
    const id = `${m.fullName}.${f.name}`;
    const dep = isDeprecated(f);
    const label = f.ismap ? "" : (f.label ?? "");
    return html`<tr id="${anchorId(id)}" class="${inOneof ? "in-oneof" : ""}${dep ? " row-deprecated" : ""}">
<td data-label="Field"><a class="self-link" href="${anchorHref(id)}"><code class="field-name${dep ? " is-deprecated" : ""}">${breakableName(f.name)}</code></a>${f.jsonName && (f.jsonName !== f.name || f.hasCustomJsonName === true) ? html`<div class="json-name">JSON: <code>${f.jsonName}</code></div>` : ""}</td>
${showNumber ? html`<td data-label="#">${f.number ?? ""}</td>` : ""}
<td data-label="Type">${label ? html`<span class="label label-${label}">${label}</span> ` : ""}${this.types.fieldType(f)}</td>
<td data-label="Description">${dep ? deprecatedBadge : ""}${this.description(f)}${f.defaultValue ? html`<div class="default">Default: <code>${f.defaultValue}</code></div>` : ""}${otherOptions(f.options)}</td>
</tr>`;
  }

  enumeration(e: NEnum): SafeHtml {
    return html`<section class="element" id="${anchorId(e.fullName)}">
${heading("h3", e.fullName, e.longName, "enum", e)}
${this.description(e)}
${otherOptions(e.options)}
<table class="fields enum-values"><thead><tr><th>Name</th><th>Number</th><th>Description</th></tr></thead><tbody>${e.values.map((v) => {
      const dep = isDeprecated(v);
      return html`<tr id="${anchorId(`${e.fullName}.${v.name}`)}"${dep ? html` class="row-deprecated"` : ""}><td data-label="Name"><code class="value-name${dep ? " is-deprecated" : ""}">${breakableName(v.name)}</code></td><td data-label="Number"><code>${String(v.number)}</code></td><td data-label="Description">${dep ? deprecatedBadge : ""}${this.description(v)}${otherOptions(v.options)}</td></tr>`;
    })}</tbody></table>
</section>`;
  }

  extensionTable(exts: DocExtension[]): SafeHtml {
    return html`<table class="fields extensions"><thead><tr><th>Extension</th><th>Extends</th><th>Type</th><th>Number</th><th>Description</th></tr></thead><tbody>${exts.map(
      (x) => {
        const full = normalizeTypeName(x.fullName) || x.name;
        const dep = isDeprecated(x);
        return html`<tr id="${anchorId(full)}"${dep ? html` class="row-deprecated"` : ""}><td data-label="Extension"><code class="${dep ? "is-deprecated" : ""}">${breakableName(x.longName ?? x.name)}</code></td><td data-label="Extends">${x.containingType ? this.types.ref(x.containingFullType, x.containingLongType, x.containingType) : ""}</td><td data-label="Type">${this.types.ref(x.fullType, x.longType, x.type)}</td><td data-label="Number">${x.number ?? ""}</td><td data-label="Description">${dep ? deprecatedBadge : ""}${this.description(x)}${x.defaultValue ? html`<div class="default">Default: <code>${x.defaultValue}</code></div>` : ""}</td></tr>`;
      },
    )}</tbody></table>`;
  }

  body(): SafeHtml {
    const p = this.pkg;
    const fileExtensions = p.files.flatMap((f) => f.extensions ?? []);
    const counts = [
      [p.services.length, "service"],
      [p.services.reduce((n, s) => n + s.methods.length, 0), "RPC"],
      [p.messages.length, "message"],
      [p.enums.length, "enum"],
    ] as const;
    return html`<header class="page-header">
<p class="eyebrow">Package</p>
<h1 class="page-title"><code>${p.label}</code></h1>
${p.description ? html`<div class="package-description">${markdown(p.description, this.types.resolveRef)}</div>` : ""}
<p class="stats">${counts.filter(([n]) => n > 0).map(([n, w]) => html`<span class="stat">${n} ${w}${n === 1 ? "" : "s"}</span>`)}</p>
</header>
<section class="files">
${p.files.map((f) => html`<div class="file-doc"><p class="file-name"><span class="kind kind-file">file</span> <code>${breakableName(f.name)}</code>${f.syntax ? html` <span class="badge badge-syntax">${f.syntax === "editions" && f.edition ? `edition ${f.edition}` : f.syntax}</span>` : ""}${isDeprecated(f) ? html` ${deprecatedBadge}` : ""}</p>${this.description(f)}</div>`)}
</section>
${p.services.length > 0 ? html`<h2 class="group-heading" id="services">Services</h2>${p.services.map((s) => this.service(s))}` : ""}
${p.messages.length > 0 ? html`<h2 class="group-heading" id="messages">Messages</h2>${p.messages.map((m) => this.message(m))}` : ""}
${p.enums.length > 0 ? html`<h2 class="group-heading" id="enums">Enums</h2>${p.enums.map((e) => this.enumeration(e))}` : ""}
${fileExtensions.length > 0 ? html`<h2 class="group-heading" id="extensions">File-level extensions</h2>${this.extensionTable(fileExtensions)}` : ""}`;
  }

  toc(): TocGroup[] {
    const p = this.pkg;
    return [
      {
        title: "Services",
        items: p.services.flatMap((s) => [{ label: s.longName, href: anchorHref(s.fullName), deprecated: isDeprecated(s) }]),
      },
      {
        title: "Messages",
        items: p.messages.map((m) => ({ label: m.longName, href: anchorHref(m.fullName), deprecated: isDeprecated(m) })),
      },
      { title: "Enums", items: p.enums.map((e) => ({ label: e.longName, href: anchorHref(e.fullName), deprecated: isDeprecated(e) })) },
    ];
  }
}

/** Renders the body and sidebar table of contents of one package page. */
export function renderPackagePage(site: SiteModel, pkg: PackageInfo, root: string): { body: SafeHtml; toc: TocGroup[] } {
  const page = new PackagePage(site, pkg, root);
  return { body: page.body(), toc: page.toc() };
}
