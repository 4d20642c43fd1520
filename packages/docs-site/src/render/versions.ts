import { html, raw, type SafeHtml } from "../html.js";
import { renderMarkdownInline } from "../markdown.js";
import type { PackageVersions } from "../model.js";
import type { PackageInfo } from "../site-model.js";

/** A release date for people: `2026-11-20` (or a full ISO timestamp) → `20 Nov 2026`; anything else as given. */
export function formatDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(date)) return date;
  const d = new Date(date.length === 10 ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
}

function dateHtml(date: string | undefined): SafeHtml {
  return date ? html` <time class="muted" datetime="${date}">${formatDate(date)}</time>` : html``;
}

/** Anchor of a version on the changelog page. */
export function versionAnchor(pkg: string, version: string): string {
  return `${pkg}@${version}`;
}

/** Site-relative link for a version, from the `versionHref` template or the changelog entry. */
function versionLink(entry: PackageVersions, version: string, template: string | undefined): string {
  if (template) {
    return template.replaceAll("{package}", encodeURIComponent(entry.package)).replaceAll("{version}", encodeURIComponent(version));
  }
  return `changelog.html#${encodeURIComponent(versionAnchor(entry.package, version))}`;
}

/** Chooses the release history relevant to a page: the page's own package if listed, else the first. */
export function versionsForPage(all: PackageVersions[], pkgName: string | undefined): PackageVersions | undefined {
  return all.find((v) => v.package === pkgName) ?? all[0];
}

/** Site-relative links of versioned docs pages, when the site has them. */
export interface SwitcherLinks {
  /** A version's own docs page, or undefined for none (then: `versionHref` or the changelog entry). */
  page?: (pkg: string, version: string) => string | undefined;
  /** The package's latest-release alias, listed first. */
  latest?: string;
}

/**
 * A no-JS version switcher (`<details>` menu of links). Works on static hosting; links lead to
 * each version's docs page (`links.page`), else the `versionHref` template, else the changelog.
 */
export function renderVersionSwitcher(
  entry: PackageVersions | undefined,
  root: string,
  current: string | undefined,
  template: string | undefined,
  links: SwitcherLinks = {},
): SafeHtml {
  if (!entry || entry.versions.length === 0) return html``;
  const active = current && entry.versions.some((v) => v.version === current) ? current : entry.versions[0]?.version;
  const href = (version: string) => links.page?.(entry.package, version) ?? versionLink(entry, version, template);
  return html`<details class="version-switcher">
<summary aria-label="Version of ${entry.package}"><span class="muted">${entry.package}</span> <strong>v${active}</strong></summary>
<ul class="version-menu">
${links.latest ? html`<li class="version-latest"><a href="${root}${links.latest}">latest release</a></li>` : ""}
${entry.versions.map((v) => html`<li><a href="${root}${href(v.version)}"${v.version === active ? html` aria-current="true"` : ""}>v${v.version}${dateHtml(v.date)}</a></li>`)}
<li class="version-all"><a href="${root}changelog.html">Full changelog</a></li>
</ul>
</details>`;
}

/** The changelog page: every package's versions (packages by name) with their (untrusted, sanitised) entries. */
export function renderChangelogPage(all: PackageVersions[], packages: PackageInfo[]): SafeHtml {
  const pages = new Map(packages.map((p) => [p.name, p.page]));
  return html`<header class="page-header">
<p class="eyebrow">Releases</p>
<h1 class="page-title">Changelog</h1>
</header>
${[...all]
  .sort((a, b) => a.package.localeCompare(b.package))
  .map((entry) => {
    const page = pages.get(entry.package);
    return html`<section class="element changelog-package" id="${`pkg:${entry.package}`}">
<h2 class="el-heading"><span class="kind kind-package">package</span> ${page ? html`<a href="${page}"><code>${entry.package}</code></a>` : html`<code>${entry.package}</code>`}</h2>
${entry.versions.length === 0 ? html`<p class="muted">No releases yet.</p>` : ""}
${entry.versions.map(
  (v) => html`<article class="release" id="${versionAnchor(entry.package, v.version)}">
<h3 class="release-heading">v${v.version}${dateHtml(v.date)}</h3>
${v.changelog.length > 0 ? html`<ul class="changelog">${v.changelog.map((line) => html`<li>${raw(renderMarkdownInline(line))}</li>`)}</ul>` : html`<p class="muted">No changes listed.</p>`}
</article>`,
)}
</section>`;
  })}`;
}
