import { cacheDigest } from "@protoship/fs-safe";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { html, raw, type SafeHtml } from "./html.js";
import type { PackageVersions, ReleasedVersion, VersionSnapshot } from "./model.js";
import type { TocGroup } from "./render/layout.js";
import { renderPackagePage } from "./render/package-page.js";
import { buildSiteModel, type SiteModel } from "./site-model.js";

/**
 * Versioned docs: one page per released version of a package, `v/<package>/<version>.html`,
 * rendered from the schema at the release tag (only that package's page, not the whole site), and
 * `v/<package>/latest.html`, the newest release. Beside each page, `<version>.json` keeps what
 * was rendered (body and table of contents) with the tag's commit: a tag's docs never change, so
 * the next build reuses it instead of compiling the tag's schema again.
 */

/** Folder of the versioned pages, relative to the site root. */
export const VERSIONS_DIR = "v";
/** From a versioned page back to the site root. */
export const VERSION_ROOT = "../../";
/** Bumped when the rendered body changes shape, so older cached renders are not reused (2: with a digest). */
const CACHE_FORMAT = 2;

/** A package name or version as one safe path segment. */
function segment(value: string): string {
  const s = value.replace(/[^A-Za-z0-9_.+-]/g, "_");
  return s.startsWith(".") || s === "" ? `_${s}` : s;
}

/** Site-relative path of a version's page. */
export function versionPagePath(pkg: string, version: string): string {
  return `${VERSIONS_DIR}/${segment(pkg)}/${segment(version)}.html`;
}

/** Site-relative path of the "latest release" alias of a package. */
export function latestPagePath(pkg: string): string {
  return `${VERSIONS_DIR}/${segment(pkg)}/latest.html`;
}

function cachePath(pkg: string, version: string): string {
  return versionPagePath(pkg, version).replace(/\.html$/, ".json");
}

/** What a version's page shows, as rendered once and kept beside it. */
export interface RenderedVersion {
  format: number;
  commit: string;
  body: string;
  toc: TocGroup[];
}

/**
 * Whether `value` is the render of `pkg`@`version` at `commit` and proves it: its digest
 * ({@link cacheDigest} of the format, commit, package, version, body and table of contents) matches.
 * The body goes into the page as HTML, so a render copied from another version or edited by hand
 * is rendered again, never shown.
 */
function isRendered(value: unknown, commit: string, pkg: string, version: string): value is RenderedVersion & { digest: string } {
  const v = value as RenderedVersion & { digest?: unknown };
  if (typeof v !== "object" || v === null) return false;
  if (v.format !== CACHE_FORMAT || v.commit !== commit || typeof v.body !== "string" || !Array.isArray(v.toc)) return false;
  return v.digest === renderDigest(v, pkg, version);
}

function renderDigest(rendered: RenderedVersion, pkg: string, version: string): string {
  return cacheDigest([rendered.format, rendered.commit, pkg, version], rendered.body, JSON.stringify(rendered.toc));
}

/** One release's page, keyed by its site-relative path. */
export interface ReleasePage {
  entry: PackageVersions;
  version: ReleasedVersion;
  rendered: RenderedVersion;
  /** Taken from the previous output rather than rendered. */
  reused: boolean;
}

/**
 * Renders (or reuses from `previousOutDir`) the body of every released version that has a
 * snapshot. Snapshots of one commit share one site model. Versions whose package is not in their
 * snapshot get no page. `onVersion` is called after each version with a snapshot, page or not.
 */
export async function renderVersions(
  versions: readonly PackageVersions[],
  previousOutDir: string,
  onVersion: () => void = () => {},
): Promise<Map<string, ReleasePage>> {
  const out = new Map<string, ReleasePage>();
  const models = new Map<() => unknown, Promise<SiteModel>>();
  for (const entry of versions) {
    for (const version of entry.versions) {
      if (!version.snapshot) continue;
      const page = await renderVersion(entry, version, version.snapshot, previousOutDir, models);
      if (page) out.set(versionPagePath(entry.package, version.version), page);
      onVersion();
    }
  }
  return out;
}

/**
 * One release's page: reused from `previousOutDir` when rendered there for the same commit; none
 * when its package is not in the snapshot.
 */
async function renderVersion(
  entry: PackageVersions,
  version: ReleasedVersion,
  snapshot: VersionSnapshot,
  previousOutDir: string,
  models: Map<() => unknown, Promise<SiteModel>>,
): Promise<ReleasePage | undefined> {
  // Missing or unreadable: render it again.
  const cached = await readFile(path.join(previousOutDir, cachePath(entry.package, version.version)), "utf8")
    .then((text) => JSON.parse(text) as unknown)
    .catch(() => undefined);
  if (isRendered(cached, snapshot.commit, entry.package, version.version)) {
    const { digest: _digest, ...rendered } = cached;
    return { entry, version, rendered, reused: true };
  }
  let site = models.get(snapshot.model);
  if (!site) models.set(snapshot.model, (site = Promise.resolve(snapshot.model()).then((m) => buildSiteModel(m))));
  const pkg = (await site).packages.find((p) => p.name === entry.package);
  if (!pkg) return undefined;
  const { body, toc } = renderPackagePage(await site, pkg, VERSION_ROOT);
  // Type links into the package itself stay on this page, not on the current docs.
  const own = `href="${VERSION_ROOT}${pkg.page}#`;
  const localBody = body.value.split(own).join('href="#');
  return { entry, version, rendered: { format: CACHE_FORMAT, commit: snapshot.commit, body: localBody, toc }, reused: false };
}

/** JSON kept beside a version's page (of `pkg`@`version`) for the next build, with the digest that proves it. */
export function renderedVersionJson(rendered: RenderedVersion, pkg: string, version: string): string {
  return `${JSON.stringify({ ...rendered, digest: renderDigest(rendered, pkg, version) })}\n`;
}

/** The banner atop a versioned page: which release this is, and where the latest one is. */
export function versionBanner(pkg: string, version: string, latest: string, headPage: string | undefined): SafeHtml {
  if (version === latest) {
    const head = headPage ? html` <a href="${VERSION_ROOT}${headPage}">Docs of the current schema</a>.` : "";
    const text = html`<strong>${pkg} v${version}</strong> is the latest release.${head}`;
    return html`<div class="version-banner version-banner-latest" role="note">${text}</div>`;
  }
  const link = html`<a class="version-banner-latest-link" href="latest.html">Go to the latest release, v${latest}</a>`;
  return html`<div class="version-banner" role="note">You are reading <strong>${pkg} v${version}</strong>, an older release. ${link}.</div>`;
}

/** A cached or fresh body as markup (it was rendered by {@link renderVersions}). */
export function renderedBody(rendered: RenderedVersion, banner: SafeHtml): SafeHtml {
  return html`${banner}${raw(rendered.body)}`;
}
