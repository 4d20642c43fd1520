import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, serveStatic, walkLinks } from "@protoship/testkit";
import { buildSite } from "../src/index.js";
import { ENVOY_FILTER_COMMENT, handModel, loadGoldenModel, MESH_COMMON_COMMENT, readingModel, versionsWithSnapshots } from "./fixtures.js";

const outputDir = fileURLToPath(new URL("../test-output/", import.meta.url));

let tmp: string;
let site: { url: string; close: () => Promise<void> };
let browser: Browser;
let pages: string[];
/** Every URL any page asked for, across all contexts. */
const requested: string[] = [];

async function newContext(opts: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext(opts);
  ctx.on("request", (req) => requested.push(req.url()));
  return ctx;
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "docs-site-browser-"));
  const { versions } = versionsWithSnapshots();
  const result = await buildSite({ model: [loadGoldenModel(), handModel], outDir: path.join(tmp, "site"), title: "Acme APIs", versions });
  pages = result.pages;
  site = await serveStatic(result.outDir);
  browser = await launchChromium();
  await mkdir(outputDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function byId(page: Page, id: string) {
  return page.locator(`[id="${id}"]`);
}

test("search finds an RPC, links resolve across packages, injected comments stay inert text", async () => {
  const ctx = await newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site.url + "index.html");

  await page.locator("#search-input").click();
  await page.keyboard.type("GetOrd");
  const first = page.locator(".search-result").first();
  await first.waitFor({ state: "visible" });
  // The RPC itself should rank above GetOrderRequest, which also matches the prefix.
  assert.equal(await first.locator(".result-name").textContent(), "GetOrder");
  assert.equal(await first.locator(".kind").textContent(), "rpc");
  const hit = first;
  await hit.click();
  await page.waitForURL(/packages\/acme\.shop\.v1\.html#acme\.shop\.v1\.OrderService\.GetOrder$/);

  const rpc = byId(page, "acme.shop.v1.OrderService.GetOrder");
  const rpcText = await rpc.innerText();
  assert.ok(rpcText.includes("<script>window.__pwned=1</script>"), "script tag visible as text");
  assert.ok(rpcText.includes('<img src=x onerror="window.__pwned=1">'), "img tag visible as text");
  assert.ok(rpcText.includes("[click](javascript:window.__pwned=1)"), "javascript link visible as text");
  assert.ok(rpcText.includes("*/"), "comment terminator visible");
  assert.ok(rpcText.includes("/v1/orders/{id}"), "HTTP binding shown");
  assert.equal(await page.locator('main img, main a[href^="javascript:"]').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);

  // Cross-package type link: WatchOrders takes acme.common.v1.Customer.
  await byId(page, "acme.shop.v1.OrderService.WatchOrders").locator("a.type-link", { hasText: "acme.common.v1.Customer" }).click();
  await page.waitForURL(/packages\/acme\.common\.v1\.html#acme\.common\.v1\.Customer$/);
  const box = await byId(page, "acme.common.v1.Customer").boundingBox();
  assert.ok(box && box.y >= 0 && box.y < 900, "linked definition scrolled into view");
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);

  // The changelog is one click from the switcher; the hostile changelog line is text.
  await page.goto(site.url + "packages/acme.shop.v1.html");
  await page.locator(".version-switcher > summary").click();
  await page.locator(".version-menu a", { hasText: "Full changelog" }).click();
  await page.waitForURL(/changelog\.html$/);
  assert.ok((await page.locator("main").innerText()).includes("<script>window.__pwned=1</script>"));
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);

  // Scalar types link to the (collapsed) scalar table on the index, which opens on arrival.
  await page.goto(site.url + "packages/acme.shop.v1.html");
  await byId(page, "acme.shop.v1.GetOrderRequest.id").locator("a.type-link.scalar").click();
  await page.waitForURL(/index\.html#scalar-string$/);
  await byId(page, "scalar-string").waitFor({ state: "visible" });

  await page.goto(site.url + "packages/acme.shop.v1.html");
  await page.screenshot({ path: path.join(outputDir, "package-light.png"), fullPage: true });
  await page.goto(site.url + "index.html");
  await page.screenshot({ path: path.join(outputDir, "index-light.png"), fullPage: false });
  await page.locator("#search-input").click();
  await page.keyboard.type("booking");
  await page.locator(".search-result").first().waitFor();
  await page.screenshot({ path: path.join(outputDir, "search-light.png") });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("an old release's docs open from the switcher, with a banner pointing to the latest release", async () => {
  const ctx = await newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site.url + "packages/acme.shop.v1.html");
  await page.locator(".version-switcher > summary").click();
  await page.locator(".version-menu a", { hasText: "v1.0.0" }).click();
  await page.waitForURL(/\/v\/acme\.shop\.v1\/1\.0\.0\.html$/);
  const banner = page.locator(".version-banner");
  await banner.waitFor({ state: "visible" });
  assert.match(await banner.innerText(), /acme\.shop\.v1 v1\.0\.0.*older release.*latest release, v1\.1\.0/s);
  // This is the schema of 1.0.0: GetOrder is there, WatchOrders (added in 1.1.0) is not.
  await byId(page, "acme.shop.v1.OrderService.GetOrder").waitFor({ state: "visible" });
  assert.equal(await byId(page, "acme.shop.v1.OrderService.WatchOrders").count(), 0);
  assert.equal((await page.locator(".version-switcher > summary strong").innerText()).trim(), "v1.0.0");
  // Styles and search still load from the site root.
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".version-banner")!).borderLeftWidth);
  assert.equal(bg, "4px", "the site stylesheet applies");
  await page.screenshot({ path: path.join(outputDir, "version-old-release.png"), fullPage: false });

  await banner.locator("a", { hasText: "latest release" }).click();
  await page.waitForURL(/\/v\/acme\.shop\.v1\/latest\.html$/);
  await byId(page, "acme.shop.v1.OrderService.WatchOrders").waitFor({ state: "visible" });
  assert.match(await page.locator(".version-banner").innerText(), /v1\.1\.0 is the latest release/);
  await page.screenshot({ path: path.join(outputDir, "version-latest.png"), fullPage: false });

  // Search from a versioned page leads into the current docs.
  await page.locator("#search-input").click();
  await page.keyboard.type("WatchOrders");
  await page.locator(".search-result").first().click();
  await page.waitForURL(/\/packages\/acme\.shop\.v1\.html#acme\.shop\.v1\.OrderService\.WatchOrders$/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("dark mode renders with a dark background", async () => {
  const ctx = await newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
  const page = await ctx.newPage();
  await page.goto(site.url + "packages/com.example.html");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
  assert.ok((r ?? 255) + (g ?? 255) + (b ?? 255) < 120, `dark background expected, got ${bg}`);
  await page.screenshot({ path: path.join(outputDir, "package-dark.png"), fullPage: true });
  await page.locator("#search-input").click();
  await page.keyboard.type("vehicle");
  await page.locator(".search-result").first().waitFor();
  await page.screenshot({ path: path.join(outputDir, "search-dark.png") });
  await ctx.close();
});

test("no horizontal overflow on a 390px wide phone, on every page", async () => {
  const ctx = await newContext({ viewport: { width: 390, height: 844 }, colorScheme: "light", isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  for (const rel of pages) {
    await page.goto(site.url + rel);
    // Against 390, not innerWidth: a mobile browser widens its viewport to fit what overflows.
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 390, `${rel}: scrollWidth ${scrollWidth} > 390`);
  }
  await page.goto(site.url + "packages/acme.shop.v1.html");
  await page.screenshot({ path: path.join(outputDir, "package-phone.png"), fullPage: true });
  await page.locator("#search-input").click();
  await page.keyboard.type("status");
  await page.locator(".search-result").first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 390);
  assert.ok(overflow <= 0, `search results overflow by ${overflow}px`);
  await page.screenshot({ path: path.join(outputDir, "search-phone.png") });
  await ctx.close();
});

test("search and versioned docs also work when the site is opened from file://", async () => {
  const ctx = await browser.newContext(); // untracked: file:// URLs have no host
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(path.join(tmp, "site", "index.html")).href);
  await page.locator("#search-input").click();
  await page.keyboard.type("WatchOrders");
  const first = page.locator(".search-result").first();
  await first.waitFor({ state: "visible" });
  assert.equal(await first.locator(".result-name").textContent(), "WatchOrders");
  await first.click();
  await page.waitForURL(/acme\.shop\.v1\.html#acme\.shop\.v1\.OrderService\.WatchOrders$/);
  await page.locator(".version-switcher > summary").click();
  await page.locator(".version-menu a", { hasText: "v1.0.0" }).click();
  await page.waitForURL(/\/v\/acme\.shop\.v1\/1\.0\.0\.html$/);
  await page.locator(".version-banner").waitFor({ state: "visible" });
  await page.locator("#search-input").click();
  await page.keyboard.type("GetOrd");
  assert.equal(await page.locator(".search-result .result-name").first().textContent(), "GetOrder");
  await ctx.close();
});

test("the site made no request to any host other than 127.0.0.1", () => {
  assert.ok(
    requested.some((u) => u.endsWith("/assets/search/m.js")),
    "search manifest was loaded",
  );
  assert.ok(
    requested.some((u) => /\/assets\/search\/t\d+\.js$/.test(u)),
    "a term shard was loaded",
  );
  assert.ok(
    requested.some((u) => u.endsWith("/assets/search-engine.js")),
    "local search engine was loaded",
  );
  const foreign = requested.filter((u) => {
    if (u.startsWith("data:") || u.startsWith("about:")) return false;
    return new URL(u).hostname !== "127.0.0.1";
  });
  assert.deepEqual(foreign, []);
});

describe("a site whose comments are reStructuredText with long code spans", () => {
  let readingSite: { url: string; close: () => Promise<void> };
  let readingDir: string;
  const PAGE = "packages/envoy.config.cluster.v3.html";
  before(async () => {
    readingDir = await mkdtemp(path.join(os.tmpdir(), "docs-site-reading-"));
    const result = await buildSite({ model: readingModel, outDir: path.join(readingDir, "site"), title: "Reading" });
    readingSite = await serveStatic(result.outDir);
  });
  after(async () => {
    await readingSite?.close();
    if (readingDir) await rm(readingDir, { recursive: true, force: true });
  });

  const ENVOY_FILTER_PAGE = "packages/envoy.extensions.filters.http.alternate_protocols_cache.v3.html";

  /**
   * Positions inside `selector` elements where a line breaks other than between the parts of a
   * name: after a dot, underscore or slash, or between the words of a CamelCase name.
   */
  async function midNameBreaks(page: Page, selector: string): Promise<string[]> {
    return page.evaluate((sel) => {
      const bad: string[] = [];
      for (const el of document.querySelectorAll(sel)) {
        const text = el.textContent ?? "";
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let prevTop: number | undefined;
        let prevChar = "";
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (let i = 0; i < (node.textContent ?? "").length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const top = range.getClientRects()[0]?.top;
            if (top === undefined) continue;
            const char = node.textContent?.[i] ?? "";
            const between = /[._/]/.test(prevChar) || (/[a-z0-9]/.test(prevChar) && /[A-Z]/.test(char));
            if (prevTop !== undefined && top > prevTop + 2 && !between) bad.push(`${text} (before "${char}")`);
            prevTop = top;
            prevChar = char;
          }
        }
      }
      return bad;
    }, selector);
  }

  for (const width of [1400, 1024, 390]) {
    test(`no horizontal scroll at ${width}px, long names included; names wrap only between their parts; a field link keeps the page in place`, async () => {
      const phone = width < 500 ? { isMobile: true, hasTouch: true } : {};
      const ctx = await newContext({ viewport: { width, height: 900 }, colorScheme: "light", ...phone });
      const page = await ctx.newPage();
      for (const rel of ["index.html", PAGE, ENVOY_FILTER_PAGE, "packages/mesh.common.v1.html"]) {
        await page.goto(readingSite.url + rel);
        // Against the width asked for: a mobile browser widens its viewport (innerWidth) to fit what overflows.
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= width, `${rel} at ${width}px: scrollWidth ${scrollWidth} > ${width}`);
      }
      await page.goto(readingSite.url + PAGE);
      const names =
        "main .field-name, main .value-name, main .type-link code, main .type-external, main .signature code, main .file-name code";
      assert.deepEqual(await midNameBreaks(page, names), []);
      await page.screenshot({ path: path.join(outputDir, `reading-${width}.png`), fullPage: true });
      // Following a link to a field scrolls down, never sideways; at desktop width the sidebar stays in view.
      await page.goto(`${readingSite.url}${PAGE}#envoy.config.cluster.v3.CircuitBreakers.thresholds`);
      assert.equal(await page.evaluate(() => window.scrollX), 0);
      if (width >= 1000) {
        const nav = await page.locator("nav.sidebar").boundingBox();
        assert.ok(nav && nav.x >= 0 && nav.width > 100, `sidebar visible: ${JSON.stringify(nav)}`);
      }
      await ctx.close();
    });
  }

  test("Envoy's annotations and wrapped references do not show as raw text, on the index or the pages", async () => {
    const ctx = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(readingSite.url + "index.html");
    const card = page.locator(".package-card", { has: page.locator(".package-link", { hasText: "alternate_protocols_cache" }) });
    assert.equal((await card.locator(".package-summary").innerText()).trim(), ENVOY_FILTER_COMMENT);
    for (const rel of ["index.html", PAGE, ENVOY_FILTER_PAGE]) {
      await page.goto(readingSite.url + rel);
      const text = await page.locator("main").innerText();
      assert.doesNotMatch(text, /\[#|:ref:/, rel);
    }
    await page.goto(readingSite.url + ENVOY_FILTER_PAGE);
    assert.match(await page.locator("main").innerText(), /Extension: envoy\.filters\.http\.alternate_protocols_cache/);
    await page.goto(readingSite.url + PAGE);
    const field = page.locator('[id="envoy.config.cluster.v3.CircuitBreakers.max_inbound_window_update_frames_per_data_frame_sent"]');
    assert.equal(await field.locator('a[href$="#envoy.config.cluster.v3.CircuitBreakers"]').innerText(), "the HTTP/2 protocol options");
    assert.match(await field.innerText(), /Not implemented\./);
    await ctx.close();
  });

  test("the package comment describes the package on the index card and atop its page", async () => {
    const ctx = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(readingSite.url + "index.html");
    const card = page.locator(".package-card", { has: page.locator(".package-link", { hasText: "mesh.common.v1" }) });
    assert.equal((await card.locator(".package-summary").innerText()).trim(), MESH_COMMON_COMMENT);
    await page.screenshot({ path: path.join(outputDir, "reading-index.png") });
    await page.goto(readingSite.url + "packages/mesh.common.v1.html");
    assert.equal((await page.locator(".page-header .package-description").innerText()).trim(), MESH_COMMON_COMMENT);
    await page.screenshot({ path: path.join(outputDir, "reading-package-comment.png") });
    await ctx.close();
  });

  test("every well-known type links to the protobuf reference; no internal link is broken", async () => {
    const ctx = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const report = await walkLinks(page, readingSite.url + "index.html");
    assert.deepEqual(report.broken, []);
    assert.ok(report.pages.length >= 3 && report.internal > 20, `${report.pages.length} pages, ${report.internal} links`);
    const wkt = new Set(report.external.filter((e) => e.href.startsWith("https://protobuf.dev/")).map((e) => `${e.text.trim()} ${e.href}`));
    const base = "https://protobuf.dev/reference/protobuf/google.protobuf/";
    for (const [name, slug] of [
      ["Duration", "duration"],
      ["Timestamp", "timestamp"],
      ["FieldMask", "field-mask"],
      ["UInt32Value", "uint32-value"],
      ["DoubleValue", "double-value"],
      ["Empty", "empty"],
    ]) {
      assert.ok(wkt.has(`google.protobuf.${name} ${base}#${slug}`), `google.protobuf.${name} linked: ${[...wkt].join(", ")}`);
    }
    await page.goto(readingSite.url + PAGE);
    assert.equal(await page.locator("main .type-external", { hasText: /^google\.protobuf\./ }).count(), 0);
    await ctx.close();
  });

  test("validation rules read as text; reStructuredText reads as code, notes and links", async () => {
    const ctx = await newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(readingSite.url + PAGE);
    const rules = await page.locator("main .options").allInnerTexts();
    assert.ok(
      rules.some((r) => r.includes("> 0s")),
      rules.join(" | "),
    );
    assert.ok(
      rules.some((r) => r.includes("min_len: 1") && r.includes('in: ["a", "b"]') && r.includes("required")),
      rules.join(" | "),
    );
    const main = await page.locator("main").innerText();
    assert.doesNotMatch(main, /"value"|:ref:|\.\. code-block|\.\. note::/);
    const yaml = byId(page, "envoy.config.cluster.v3.CircuitBreakers").locator("pre code.language-yaml");
    assert.equal(await yaml.innerText(), "thresholds:\n- priority: HIGH\n  max_connections: 1024\n");
    assert.match(
      await byId(page, "envoy.config.cluster.v3.CircuitBreakers").locator("blockquote").innerText(),
      /^Note:\s+Unset thresholds/,
    );
    const ref = byId(page, "envoy.config.cluster.v3.CircuitBreakers").locator(".md a", { hasText: "Thresholds" }).first();
    assert.equal(
      await ref.evaluate((a) => (a as HTMLAnchorElement).href),
      `${readingSite.url}${PAGE}#envoy.config.cluster.v3.CircuitBreakers.Thresholds`,
    );
    await ctx.close();
  });

  test("labels sit with the type (no empty label column); the sticky header is opaque; the sidebar border runs to the bottom", async () => {
    const ctx = await newContext({ viewport: { width: 1400, height: 700 } });
    const page = await ctx.newPage();
    await page.goto(readingSite.url + PAGE);
    const heads = await page.locator("main table.fields thead th").allInnerTexts();
    assert.ok(!heads.map((h) => h.toUpperCase()).includes("LABEL"), heads.join(","));
    const type = await byId(page, "envoy.config.cluster.v3.CircuitBreakers.thresholds").locator('td[data-label="Type"]').innerText();
    assert.match(type, /^repeated\s+[\w.\s]*CircuitBreakers\.\s*Thresholds$/);
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".topbar")!).backgroundColor);
    assert.match(bg, /^rgb\(/, `opaque header background, got ${bg}`);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const gap = await page.evaluate(() => {
      const layout = document.querySelector(".layout")!.getBoundingClientRect();
      const divider = document.querySelector(".content")!;
      const style = getComputedStyle(divider);
      return style.borderLeftStyle === "solid" ? layout.bottom - divider.getBoundingClientRect().bottom : Number.POSITIVE_INFINITY;
    });
    assert.ok(gap <= 1, `divider stops ${gap}px above the end of the page`);
    await page.screenshot({ path: path.join(outputDir, "reading-bottom.png") });
    await ctx.close();
  });
});

test("on a large site the sidebar links to the index, whose filter narrows the full package list", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "docs-site-many-"));
  const files = Array.from({ length: 160 }, (_, i) => ({
    name: `p${i}.proto`,
    package: `pkg${i}.v1`,
    packageDescription: i === 42 ? "The answer." : "",
    messages: [],
  }));
  const result = await buildSite({ model: { files }, outDir: path.join(dir, "site") });
  const server = await serveStatic(result.outDir);
  const ctx = await newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await ctx.newPage();
    await page.goto(server.url + "packages/pkg7.v1.html");
    await page.locator("nav.sidebar a", { hasText: "Browse all 160 packages" }).click();
    await page.waitForURL(/index\.html#packages$/);
    await page.locator("#package-filter").fill("answer");
    assert.deepEqual(await page.locator(".package-card:visible .package-link").allInnerTexts(), ["pkg42.v1"]);
    assert.equal(await page.locator("#package-filter-status").innerText(), "1 of 160 packages");
    await page.locator("#package-filter").fill("pkg1");
    assert.equal(await page.locator(".package-card:visible").count(), 71); // pkg1, pkg10-19, pkg100-159
    await page.screenshot({ path: path.join(outputDir, "many-packages-filter.png") });
  } finally {
    await ctx.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
