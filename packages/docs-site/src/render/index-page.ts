import { html, type SafeHtml } from "../html.js";
import { plainSummary } from "../markdown.js";
import { isDeprecated, type SiteModel } from "../site-model.js";

/** Above this many packages the index offers a filter box (site.js). */
const FILTER_FROM = 12;

/** The filter box over the package cards (site.js hides the cards that do not match). */
function packageFilter(count: number): SafeHtml {
  return html`<input id="package-filter" class="package-filter" type="search" placeholder="Filter ${count} packages…"
 autocomplete="off" spellcheck="false" aria-label="Filter packages by name or description" aria-controls="package-grid">
<p id="package-filter-status" class="muted" role="status" aria-live="polite"></p>`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The landing page: one card per proto package, plus the scalar type table. */
export function renderIndexPage(site: SiteModel, title: string): SafeHtml {
  const totals = {
    services: site.packages.reduce((n, p) => n + p.services.length, 0),
    messages: site.packages.reduce((n, p) => n + p.messages.length, 0),
    enums: site.packages.reduce((n, p) => n + p.enums.length, 0),
  };
  return html`<header class="page-header">
<p class="eyebrow">API reference</p>
<h1 class="page-title">${title}</h1>
<p class="stats"><span class="stat">${plural(site.packages.length, "package")}</span><span class="stat">${plural(totals.services, "service")}</span><span class="stat">${plural(totals.messages, "message")}</span><span class="stat">${plural(totals.enums, "enum")}</span></p>
</header>
<h2 class="group-heading" id="packages">Packages</h2>
${site.packages.length > FILTER_FROM ? packageFilter(site.packages.length) : ""}
<ul class="package-grid" id="package-grid">
${site.packages.map((p) => {
  // The package comment describes the package; else the files' comments; else the first service (or type) comment.
  let summaries = p.description
    ? [plainSummary(p.description, 220)]
    : p.files.map((f) => plainSummary(f.description, 220)).filter((s) => s !== "");
  if (summaries.length === 0) {
    // The first whose summary has text (a comment of Envoy's bookkeeping annotations alone has none).
    for (const el of [...p.services, ...p.messages, ...p.enums]) {
      summaries = [plainSummary(el.description, 220)].filter((s) => s !== "");
      if (summaries.length > 0) break;
    }
  }
  const dep = p.files.length > 0 && p.files.every((f) => isDeprecated(f));
  return html`<li class="package-card">
<a class="package-link" href="${p.page}"><code>${p.label}</code></a>${dep ? html` <span class="badge badge-deprecated">Deprecated</span>` : ""}
${summaries.length > 0 ? html`<p class="package-summary">${summaries.join(" ")}</p>` : html`<p class="package-summary muted">No description.</p>`}
<p class="package-meta">${[
    [p.services.length, "service"] as const,
    [p.messages.length, "message"] as const,
    [p.enums.length, "enum"] as const,
    [p.files.length, "file"] as const,
  ]
    .filter(([n, w]) => n > 0 || w === "file")
    .map(([n, w]) => plural(n, w))
    .join(" · ")}</p>
</li>`;
})}
</ul>
${
  site.scalars.length > 0
    ? html`<details class="scalars-details" id="scalar-value-types"><summary class="group-heading">Scalar value types</summary>
<table class="fields scalars"><thead><tr><th>Proto type</th><th>Notes</th><th>C++</th><th>Java</th><th>Python</th><th>Go</th><th>C#</th></tr></thead><tbody>
${site.scalars.map((s) => html`<tr id="scalar-${s.protoType}"><td data-label="Proto type"><code>${s.protoType}</code></td><td data-label="Notes">${s.notes ?? ""}</td><td data-label="C++"><code>${s.cppType ?? ""}</code></td><td data-label="Java"><code>${s.javaType ?? ""}</code></td><td data-label="Python"><code>${s.pythonType ?? ""}</code></td><td data-label="Go"><code>${s.goType ?? ""}</code></td><td data-label="C#"><code>${s.csType ?? ""}</code></td></tr>`)}
</tbody></table></details>`
    : ""
}`;
}
