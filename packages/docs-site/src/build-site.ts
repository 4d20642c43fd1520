import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { swapFolders } from "@protoship/fs-safe";
import { DocSiteError } from "./errors.js";
import { html } from "./html.js";
import type { BuildPhase, BuildSiteOptions, BuildSiteResult, PackageVersions, PhaseProgress } from "./model.js";
import { renderIndexPage } from "./render/index-page.js";
import { layout, type LayoutInput } from "./render/layout.js";
import { renderPackagePage } from "./render/package-page.js";
import { renderChangelogPage, renderVersionSwitcher, versionsForPage, type SwitcherLinks } from "./render/versions.js";
import { collectSearchDocuments } from "./search-index.js";
import { buildSearchFiles, searchFileScript } from "./search-shards.js";
import { buildSiteModel } from "./site-model.js";
import {
  latestPagePath,
  renderedBody,
  renderedVersionJson,
  renderVersions,
  VERSION_ROOT,
  versionBanner,
  versionPagePath,
  type RenderedVersion,
} from "./versioned-docs.js";

/** Our CSS/JS live in `<package>/assets`, one level above both `src/` and `dist/`. */
const ASSETS_DIR = fileURLToPath(new URL("../assets/", import.meta.url));

/** The owner written into the site's `.protoship-generated` marker: only such a folder is replaced. */
export const SITE_OWNER = "protoship docs";

function validateVersions(versions: unknown): PackageVersions[] {
  if (versions === undefined) return [];
  const fail = (msg: string): never => {
    throw new DocSiteError(`invalid versions: ${msg}`);
  };
  if (!Array.isArray(versions)) fail("expected an array");
  for (const [i, entry] of (versions as PackageVersions[]).entries()) {
    if (typeof entry?.package !== "string") fail(`[${i}].package must be a string`);
    if (!Array.isArray(entry.versions)) fail(`[${i}].versions must be an array`);
    for (const [j, v] of entry.versions.entries()) {
      if (typeof v?.version !== "string") fail(`[${i}].versions[${j}].version must be a string`);
      if (v.date !== undefined && typeof v.date !== "string") fail(`[${i}].versions[${j}].date must be a string`);
      if (!Array.isArray(v.changelog) || v.changelog.some((l) => typeof l !== "string")) {
        fail(`[${i}].versions[${j}].changelog must be an array of strings`);
      }
      if (v.snapshot !== undefined && (typeof v.snapshot?.commit !== "string" || typeof v.snapshot.model !== "function")) {
        fail(`[${i}].versions[${j}].snapshot must have a commit string and a model function`);
      }
    }
  }
  return versions as PackageVersions[];
}

/**
 * Builds a static, multi-page, searchable documentation site from protoc-gen-doc JSON.
 *
 * Pages: `index.html` (packages), `packages/<package>.html` (one per proto package),
 * `changelog.html` (when `versions` is given), `v/<package>/<version>.html` and `latest.html` for
 * released versions with a snapshot (see versioned-docs.ts); assets under `assets/`, the search
 * index as small scripts loaded on demand under `assets/search/` (see search-shards.ts). The
 * output directory is replaced through @protoship/fs-safe: only when it is
 * absent, empty or a site written here before (its `.protoship-generated` marker says
 * {@link SITE_OWNER}; otherwise a `NotOwnedError` is thrown and nothing is written); on any error
 * the previous site stays as it was and a {@link DocSiteError} (bad input) or I/O error is thrown;
 * a crash mid-swap is finished by the next build.
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  if (!options || typeof options.outDir !== "string" || options.outDir === "") {
    throw new DocSiteError("buildSite: outDir is required");
  }
  const outDir = path.resolve(options.outDir);
  const title = options.title?.trim() || "API Reference";
  const versions = validateVersions(options.versions);
  const hasChangelog = versions.length > 0;
  const pages: string[] = [];
  let searchDocuments = 0;
  let versionPages = 0;
  let reusedVersionPages = 0;
  // The phase being reported to options.progress: each starts when the previous one ends.
  let phase: PhaseProgress | undefined;
  const startPhase = (unit: BuildPhase, total: number): void => {
    phase?.done();
    phase = total > 0 ? options.progress?.(unit, total) : undefined;
  };

  const fill = async (tmp: string): Promise<void> => {
    const assets = path.join(tmp, "assets");
    await mkdir(assets, { recursive: true });
    await mkdir(path.join(tmp, "packages"));
    for (const name of await readdir(ASSETS_DIR)) await copyFile(path.join(ASSETS_DIR, name), path.join(assets, name));

    const site = buildSiteModel(options.model);
    const docs = collectSearchDocuments(site);
    searchDocuments = docs.length;
    await mkdir(path.join(assets, "search"));
    for (const [name, json] of buildSearchFiles(docs)) {
      await writeFile(path.join(assets, "search", `${name}.js`), searchFileScript(name, json));
    }

    const write = async (rel: string, input: Omit<LayoutInput, "siteTitle" | "packages" | "hasChangelog" | "path">) => {
      await writeFile(path.join(tmp, rel), layout({ ...input, siteTitle: title, packages: site.packages, hasChangelog, path: rel }));
      pages.push(rel);
      phase?.tick();
    };
    // Versioned docs: each release with a snapshot gets its own page, reused from the previous
    // output when it was rendered for the same commit.
    const snapshots = versions.reduce((n, entry) => n + entry.versions.filter((v) => v.snapshot).length, 0);
    startPhase("release pages", snapshots);
    const released = await renderVersions(versions, outDir, () => phase?.tick());
    const latestOf = new Map<string, { version: string; rendered: RenderedVersion }>();
    for (const entry of versions) {
      const newest = entry.versions.find((v) => released.has(versionPagePath(entry.package, v.version)));
      if (!newest) continue;
      latestOf.set(entry.package, {
        version: newest.version,
        rendered: released.get(versionPagePath(entry.package, newest.version))!.rendered,
      });
    }
    const links: SwitcherLinks = {
      page: (pkg, version) => (released.has(versionPagePath(pkg, version)) ? versionPagePath(pkg, version) : undefined),
    };
    const switcher = (root: string, pkg?: string, current = options.currentVersion) => {
      const entry = versionsForPage(versions, pkg);
      const latest = entry && latestOf.has(entry.package) ? latestPagePath(entry.package) : undefined;
      if (!hasChangelog) return html``;
      return renderVersionSwitcher(entry, root, current, options.versionHref, { ...links, ...(latest ? { latest } : {}) });
    };

    startPhase("pages", 1 + site.packages.length + released.size + latestOf.size + (hasChangelog ? 1 : 0));
    // The switcher shows one package's versions, so only that package's page carries it.
    await write("index.html", { pageTitle: title, root: "", body: renderIndexPage(site, title) });
    for (const pkg of site.packages) {
      const { body, toc } = renderPackagePage(site, pkg, "../");
      await write(pkg.page, { pageTitle: pkg.label, root: "../", body, toc, versionSwitcher: switcher("../", pkg.name) });
    }
    const writeVersion = async (rel: string, pkg: string, version: string, rendered: RenderedVersion) => {
      await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
      const banner = versionBanner(pkg, version, latestOf.get(pkg)!.version, site.packages.find((p) => p.name === pkg)?.page);
      await write(rel, {
        pageTitle: `${pkg} v${version}`,
        root: VERSION_ROOT,
        body: renderedBody(rendered, banner),
        toc: rendered.toc,
        versionSwitcher: switcher(VERSION_ROOT, pkg, version),
      });
    };
    for (const [rel, { entry, version, rendered }] of released) {
      await writeVersion(rel, entry.package, version.version, rendered);
      await writeFile(path.join(tmp, rel.replace(/\.html$/, ".json")), renderedVersionJson(rendered, entry.package, version.version));
    }
    for (const [pkg, latest] of latestOf) await writeVersion(latestPagePath(pkg), pkg, latest.version, latest.rendered);
    versionPages = released.size;
    reusedVersionPages = [...released.values()].filter((r) => r.reused).length;
    if (hasChangelog) {
      await write("changelog.html", { pageTitle: "Changelog", root: "", body: renderChangelogPage(versions, site.packages) });
    }
  };
  try {
    await swapFolders({ parent: path.dirname(outDir), owner: SITE_OWNER, write: new Map([[path.basename(outDir), fill]]) });
  } finally {
    phase?.done();
  }

  return { outDir, pages, searchDocuments, versionPages, reusedVersionPages };
}
