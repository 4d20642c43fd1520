import type { Page } from "playwright-core";

/** A link whose target page or fragment does not exist. */
export interface BrokenLink {
  /** Page the link is on. */
  from: string;
  href: string;
  reason: string;
}

/** What {@link walkLinks} found. */
export interface LinkReport {
  /** Same-origin pages visited (absolute URLs without fragment). */
  pages: string[];
  /** Number of internal links checked (same origin, page and fragment). */
  internal: number;
  broken: BrokenLink[];
  /** Links to other origins, by href (never requested). */
  external: { from: string; href: string; text: string }[];
}

/**
 * Walks a static site from `start` in a real browser page: every same-origin `<a href>` of every
 * reachable HTML page (query strings ignored) is followed; a link is broken when its page does not
 * load with status 200 or its fragment names no element (`id`, or `<a name>` as markdown anchors
 * use). Links to other origins are collected, not requested; `javascript:` or other schemes count
 * as broken. Only `start`'s origin is contacted.
 */
export async function walkLinks(page: Page, start: string): Promise<LinkReport> {
  const origin = new URL(start).origin;
  const anchors = new Map<string, Set<string> | null>(); // page → its ids/names (null: failed to load)
  const queue = [stripHash(start)];
  const links: { from: string; href: string; url: URL }[] = [];
  const external: LinkReport["external"] = [];
  const broken: BrokenLink[] = [];
  while (queue.length > 0) {
    const url = queue.shift() as string;
    if (anchors.has(url)) continue;
    const res = await page.goto(url, { waitUntil: "domcontentloaded" }).catch(() => null);
    if (res?.status() !== 200 || !(res.headers()["content-type"] ?? "").includes("text/html")) {
      anchors.set(url, null);
      continue;
    }
    const found = await page.evaluate(() => ({
      ids: [...document.querySelectorAll("[id], a[name]")].map((el) => el.getAttribute("id") ?? el.getAttribute("name") ?? ""),
      hrefs: [...document.querySelectorAll("a[href]")].map((a) => ({
        href: a.getAttribute("href") ?? "",
        abs: (a as HTMLAnchorElement).href,
        text: a.textContent ?? "",
      })),
    }));
    anchors.set(url, new Set(found.ids));
    for (const { href, abs, text } of found.hrefs) {
      const target = new URL(abs);
      if (target.protocol !== "http:" && target.protocol !== "https:") {
        broken.push({ from: url, href, reason: `scheme ${target.protocol}` });
      } else if (target.origin !== origin) {
        external.push({ from: url, href, text });
      } else {
        links.push({ from: url, href, url: target });
        const pageUrl = stripHash(target.href);
        if (!anchors.has(pageUrl)) queue.push(pageUrl);
      }
    }
  }
  for (const { from, href, url } of links) {
    const ids = anchors.get(stripHash(url.href));
    if (!ids) broken.push({ from, href, reason: "page does not load" });
    else if (url.hash !== "" && url.hash !== "#" && !ids.has(decodeURIComponent(url.hash.slice(1)))) {
      broken.push({ from, href, reason: "no such anchor" });
    }
  }
  return { pages: [...anchors.keys()].filter((u) => anchors.get(u)), internal: links.length, broken, external };
}

function stripHash(url: string): string {
  const u = new URL(url);
  u.hash = "";
  u.search = "";
  return u.href;
}
