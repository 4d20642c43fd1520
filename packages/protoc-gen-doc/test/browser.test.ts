// The html page with hostile comments, opened in real Chromium: nothing runs, nothing loads.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { launchChromium } from "@protoship/testkit";
import type { Browser } from "playwright-core";
import { FIXTURES, Workspace, must, readProtoDir } from "./helpers.ts";

describe("html output in Chromium", () => {
  let ws: Workspace;
  let browser: Browser;
  let page: string;
  before(async () => {
    ws = new Workspace(readProtoDir(path.join(FIXTURES, "hostile")));
    const out = await ws.generate(["html,doc.html"]);
    page = path.join(ws.dir, "doc.html");
    writeFileSync(page, must(out, "doc.html"));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    ws.dispose();
  });

  it("runs no script, opens no dialog, requests nothing, and shows the comments as text", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    try {
      const tab = await context.newPage();
      const dialogs: string[] = [];
      const requests: string[] = [];
      tab.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      tab.on("request", (r) => requests.push(r.url()));
      const url = pathToFileURL(page).href;
      await tab.goto(url, { waitUntil: "load" });
      // Hover what could carry a handler (the hostile message's cells and descriptions).
      for (const el of (await tab.$$("h3 ~ p, table.field-table td")).slice(0, 20)) await el.hover().catch(() => undefined);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(requests, [url], "only the page itself is loaded");
      const active = await tab.evaluate(
        () => document.querySelectorAll("script, img, iframe, svg, object, embed, [onerror], [onload], [onmouseover]").length,
      );
      assert.equal(active, 0);
      const javascriptLinks = await tab.evaluate(
        () => [...document.querySelectorAll("a")].filter((a) => a.href.startsWith("javascript:")).length,
      );
      assert.equal(javascriptLinks, 0);
      const text = await tab.evaluate(() => document.body.innerText);
      assert.ok(text.includes('<script>alert("x")</script> and <img src=x onerror=alert(1)>'), "hostile text is visible as text");
      assert.ok(text.includes("Ends a C comment */ and </style></script><!-- & &amp; &lt;"));
    } finally {
      await context.close();
    }
  });
});
