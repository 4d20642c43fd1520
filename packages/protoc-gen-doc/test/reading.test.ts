// Docs that read well: package comments, well-known types linked (never a dead anchor), validation
// rules as text, reStructuredText comments degraded — through real buf and the real plugin, the
// html and markdown outputs walked link by link in Chromium.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import MarkdownIt from "markdown-it";
import type { Browser } from "playwright-core";
import { launchChromium, serveStatic, walkLinks, type LinkReport } from "@protoship/testkit";
import { FIXTURES, Workspace, must, readProtoDir } from "./helpers.ts";

const outputDir = fileURLToPath(new URL("../test-output/", import.meta.url));
const WKT_REFERENCE = "https://protobuf.dev/reference/protobuf/google.protobuf/";

interface JsonField {
  name: string;
  options?: Record<string, unknown>;
}
interface JsonFile {
  name: string;
  packageDescription: string;
  messages: { longName: string; fields: JsonField[] }[];
}

describe("readable docs: package comments, well-known types, rules, reStructuredText", () => {
  let ws: Workspace;
  let out: Map<string, string>;
  let site: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let tmp: string;
  before(async () => {
    ws = new Workspace(readProtoDir(path.join(FIXTURES, "reading")), { conformanceDeps: true });
    out = await ws.generate(["json,doc.json", "markdown,doc.md", "html,doc.html"]);
    tmp = mkdtempSync(path.join(os.tmpdir(), "pgd-reading-"));
    writeFileSync(path.join(tmp, "doc.html"), must(out, "doc.html"));
    // The markdown as a Markdown viewer shows it (raw HTML on, so `<a name>` anchors exist).
    const mdHtml = new MarkdownIt({ html: true }).render(must(out, "doc.md"));
    writeFileSync(path.join(tmp, "md.html"), `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${mdHtml}</body></html>`);
    site = await serveStatic(tmp);
    browser = await launchChromium();
    mkdirSync(outputDir, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    ws?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("json carries each file's package comment", () => {
    const files = (JSON.parse(must(out, "doc.json")) as { files: JsonFile[] }).files;
    const byName = new Map(files.map((f) => [f.name, f]));
    assert.equal(
      byName.get("mesh/v1/probe.proto")?.packageDescription,
      "Probes of the mesh: how a target is checked and what the check found.",
    );
    assert.equal(byName.get("mesh/v1/result.proto")?.packageDescription, "");
  });

  it("json keeps rule lists as data, zero durations as 0s (not {})", () => {
    const files = (JSON.parse(must(out, "doc.json")) as { files: JsonFile[] }).files;
    const policy = files.flatMap((f) => f.messages).find((m) => m.longName === "ProbePolicy");
    const interval = policy?.fields.find((f) => f.name === "interval");
    const rules = (interval?.options?.["validate.rules"] ?? []) as { name: string }[];
    assert.deepEqual(
      [...rules].sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: "duration.gt", value: "0s" },
        { name: "duration.lt", value: "3600s" },
      ],
    );
  });

  it("markdown and html show validation rules as readable text", () => {
    for (const doc of [must(out, "doc.md"), must(out, "doc.html")]) {
      assert.match(doc, /validate\.rules: (&gt;|>) 0s|validate\.rules: (&lt;|<) 3600s, (&gt;|>) 0s/);
      assert.match(doc, /(&lt;|<) 3600s/);
      assert.match(doc, /validate\.rules: required/);
      assert.match(doc, /validate\.rules: [^\n]*in: \\?\[(&#34;|&quot;|")tcp(&#34;|&quot;|"), (&#34;|&quot;|")http(&#34;|&quot;|")\\?\]/);
      assert.match(doc, /validate\.rules: [^\n]*min_len: 1/);
      assert.doesNotMatch(doc, /"value":\{\}|duration\.gt = \{\}/);
    }
  });

  it("html degrades reStructuredText: code blocks stay code, notes are notes, :ref: links resolve or read as text", () => {
    const html = must(out, "doc.html");
    assert.match(html, /<pre><code class="language-yaml">policy:\n- interval: 10s\n {2}timeout: 1s\n<\/code><\/pre>/);
    assert.doesNotMatch(html, /<li>interval: 10s/);
    assert.match(html, /<blockquote>\n<p><strong>Note:<\/strong><\/p>\n<p>A zero <code>interval<\/code> disables probing.<\/p>/);
    assert.match(html, /<a href="#mesh-v1-ProbePolicy-Thresholds"[^>]*>Thresholds<\/a>/);
    assert.match(html, /<a href="#mesh-v1-Probe"[^>]*><code>api_field_mesh.v1.Probe.policy<\/code><\/a>/);
    assert.match(html, /and an unknown label\./);
    assert.doesNotMatch(html, /:ref:|\.\. code-block|\.\. note::/);
  });

  it("markdown reads reStructuredText roles as their text", () => {
    const md = must(out, "doc.md");
    assert.match(md, /Tuned per cluster with\nThresholds; see also `api_field_mesh.v1.Probe.policy`/);
    assert.doesNotMatch(md, /:ref:/);
  });

  async function walk(file: string, shot: string): Promise<LinkReport> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    ctx.on("request", (r) => requested.push(r.url()));
    try {
      const page = await ctx.newPage();
      const report = await walkLinks(page, site.url + file);
      await page.goto(`${site.url}${file}#mesh-v1-ProbePolicy`);
      await page.screenshot({ path: path.join(outputDir, shot), fullPage: false });
      assert.deepEqual(
        requested.filter((u) => new URL(u).hostname !== "127.0.0.1"),
        [],
        "only 127.0.0.1 contacted",
      );
      return report;
    } finally {
      await ctx.close();
    }
  }

  for (const [file, shot] of [
    ["doc.html", "reading-html.png"],
    ["md.html", "reading-markdown.png"],
  ] as const) {
    it(`${file === "doc.html" ? "html" : "markdown"}: zero broken internal anchors, every well-known type links to the protobuf reference`, async () => {
      const report = await walk(file, shot);
      assert.deepEqual(report.broken, []);
      assert.ok(report.internal > 15, `checked ${report.internal} internal links`);
      const wkt = new Map(report.external.filter((e) => e.href.startsWith(WKT_REFERENCE)).map((e) => [e.text, e.href]));
      assert.deepEqual(Object.fromEntries([...wkt].sort()), {
        "google.protobuf.Duration": `${WKT_REFERENCE}#duration`,
        "google.protobuf.Empty": `${WKT_REFERENCE}#empty`,
        "google.protobuf.FieldMask": `${WKT_REFERENCE}#field-mask`,
        "google.protobuf.Struct": `${WKT_REFERENCE}#struct`,
        "google.protobuf.Timestamp": `${WKT_REFERENCE}#timestamp`,
        "google.protobuf.UInt32Value": `${WKT_REFERENCE}#uint32-value`,
      });
      // No other external links: nothing else leaves the document.
      assert.deepEqual(
        report.external.filter((e) => !e.href.startsWith(WKT_REFERENCE)),
        [],
      );
    });
  }
});
