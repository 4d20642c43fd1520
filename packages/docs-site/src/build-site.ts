import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { swapFolders } from "@protoship/fs-safe";
import { DocSiteError } from "./errors.js";
import { html } from "./html.js";
import type { BuildSiteOptions, BuildSiteResult, PackageVersions } from "./model.js";
import { renderIndexPage } from "./render/index-page.js";
import { layout, type LayoutInput } from "./render/layout.js";
import { renderPackagePage } from "./render/package-page.js";
import { renderChangelogPage, renderVersionSwitcher, versionsForPage } from "./render/versions.js";
import { buildSearchIndexJson, collectSearchDocuments } from "./search-index.js";
import { buildSiteModel } from "./site-model.js";

/** Our CSS/JS live in `<package>/assets`, one level above both `src/` and `dist/`. */
const ASSETS_DIR = fileURLToPath(new URL("../assets/", import.meta.url));

/** The owner written into the site's `.protoship-generated` marker: only such a folder is replaced. */
export const SITE_OWNER = "protoship docs";

/** MiniSearch's UMD browser bundle, copied into the site so it needs no CDN. */
function miniSearchBrowserBundle(): string {
  const cjsEntry = createRequire(import.meta.url).resolve("minisearch");
  return path.join(path.dirname(cjsEntry), "..", "umd", "index.js");
}

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
    }
  }
  return versions as PackageVersions[];
}

/**
 * Builds a static, multi-page, searchable documentation site from protoc-gen-doc JSON.
 *
 * Pages: `index.html` (packages), `packages/<package>.html` (one per proto package),
 * `changelog.html` (when `versions` is given); assets under `assets/` including
 * `search-index.json`. The output directory is replaced through @protoship/fs-safe: only when it is
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

  const fill = async (tmp: string): Promise<void> => {
    const assets = path.join(tmp, "assets");
    await mkdir(assets, { recursive: true });
    await mkdir(path.join(tmp, "packages"));
    for (const name of await readdir(ASSETS_DIR)) await copyFile(path.join(ASSETS_DIR, name), path.join(assets, name));
    await copyFile(miniSearchBrowserBundle(), path.join(assets, "minisearch.js"));

    const site = buildSiteModel(options.model);
    const docs = collectSearchDocuments(site);
    searchDocuments = docs.length;
    const indexJson = buildSearchIndexJson(docs);
    await writeFile(path.join(assets, "search-index.json"), indexJson);
    // Same data as a script, so search also works when the site is opened from file://.
    await writeFile(path.join(assets, "search-index.js"), `window.__PROTOSHIP_SEARCH_INDEX__=${indexJson};\n`);

    const write = async (rel: string, input: Omit<LayoutInput, "siteTitle" | "packages" | "hasChangelog" | "path">) => {
      await writeFile(path.join(tmp, rel), layout({ ...input, siteTitle: title, packages: site.packages, hasChangelog, path: rel }));
      pages.push(rel);
    };
    const switcher = (root: string, pkg?: string) =>
      hasChangelog ? renderVersionSwitcher(versionsForPage(versions, pkg), root, options.currentVersion, options.versionHref) : html``;

    await write("index.html", { pageTitle: title, root: "", body: renderIndexPage(site, title), versionSwitcher: switcher("") });
    for (const pkg of site.packages) {
      const { body, toc } = renderPackagePage(site, pkg, "../");
      await write(pkg.page, { pageTitle: pkg.label, root: "../", body, toc, versionSwitcher: switcher("../", pkg.name) });
    }
    if (hasChangelog) {
      await write("changelog.html", { pageTitle: "Changelog", root: "", body: renderChangelogPage(versions, site.packages), versionSwitcher: switcher("") });
    }
  };
  await swapFolders({ parent: path.dirname(outDir), owner: SITE_OWNER, write: new Map([[path.basename(outDir), fill]]) });

  return { outDir, pages, searchDocuments };
}
