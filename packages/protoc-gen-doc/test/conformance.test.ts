// Conformance with Go protoc-gen-doc 1.5.1: real buf, the real plugin (node_modules/.bin shim),
// the reference inputs, compared with the golden outputs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import MarkdownIt from "markdown-it";
import { CONFORMANCE, Workspace, conformanceProtos, must } from "./helpers.ts";

const golden = (name: string): string => readFileSync(path.join(CONFORMANCE, "golden", name), "utf8");

/**
 * Walk the golden value; every golden key must be present with an equal value. Keys the golden
 * does not have are collected as "extras" (concrete paths) for the caller to check.
 */
function compareGolden(g: unknown, a: unknown, at: string, diffs: string[], extras: string[]): void {
  if (g === null || typeof g !== "object") {
    if (g !== a) diffs.push(`${at}: expected ${JSON.stringify(g)}, got ${JSON.stringify(a)}`);
    return;
  }
  if (Array.isArray(g)) {
    if (!Array.isArray(a) || a.length !== g.length) {
      diffs.push(`${at}: expected array of ${g.length}, got ${JSON.stringify(a)?.slice(0, 200)}`);
      return;
    }
    g.forEach((x, i) => compareGolden(x, a[i], `${at}[${i}]`, diffs, extras));
    return;
  }
  if (a === null || typeof a !== "object" || Array.isArray(a)) {
    diffs.push(`${at}: expected object, got ${JSON.stringify(a)}`);
    return;
  }
  const go = g as Record<string, unknown>;
  const ao = a as Record<string, unknown>;
  for (const k of Object.keys(go)) {
    if (!(k in ao)) diffs.push(`${at}.${k}: missing`);
    else compareGolden(go[k], ao[k], `${at}.${k}`, diffs, extras);
  }
  for (const k of Object.keys(ao)) if (!(k in go)) extras.push(`${at}.${k}`);
}

/** Additive keys (documented in the README), by path with array indexes erased. */
const ADDITIVE = new Set([
  ".files[].syntax",
  ".files[].edition",
  ".files[].packageDescription",
  ".files[].messages[].oneofs",
  ".files[].messages[].isMapEntry",
  ".files[].messages[].fields[].number",
  ".files[].messages[].fields[].jsonName",
  ".files[].messages[].fields[].hasCustomJsonName",
]);

/**
 * The one deliberate data difference: Customer.proto sets `(validate.rules).string.min_len = 2` on
 * Address.address_line_1. Go protoc-gen-doc 1.5.1 drops it (its envoyproxy validate transformer
 * never sees the option); we show it, so that field gains an `options` key the golden lacks.
 */
const VALIDATE_RULES_PATH = ".files[1].messages[0].fields[0].options";

describe("conformance with Go protoc-gen-doc 1.5.1 golden outputs", () => {
  let ws: Workspace;
  let out: Map<string, string>;
  before(async () => {
    ws = new Workspace(conformanceProtos(), { conformanceDeps: true });
    out = await ws.generate(["json,example.json:Ignore*", "markdown,example.md:Ignore*", "html,example.html:Ignore*"]);
  });
  after(() => ws.dispose());

  it("json parses to the golden structure (golden keys equal, extra keys only the documented ones)", () => {
    const actual: unknown = JSON.parse(must(out, "example.json"));
    const expected: unknown = JSON.parse(golden("example.json"));
    const diffs: string[] = [];
    const extras: string[] = [];
    compareGolden(expected, actual, "", diffs, extras);
    assert.deepEqual(diffs, []);
    const unexpected = extras.filter((p) => !ADDITIVE.has(p.replace(/\[\d+\]/g, "[]")) && p !== VALIDATE_RULES_PATH);
    assert.deepEqual(unexpected, []);
    // The validate.rules difference is exactly the one documented.
    const field = (actual as { files: { messages: { fields: { name: string; options?: unknown }[] }[] }[] }).files[1]?.messages[0]
      ?.fields[0];
    assert.equal(field?.name, "address_line_1");
    assert.deepEqual(field?.options, { "validate.rules": [{ name: "string.min_len", value: 2 }] });
    // Every additive key is actually produced (the allowlist is not stale).
    const seen = new Set(extras.map((p) => p.replace(/\[\d+\]/g, "[]")));
    for (const k of ADDITIVE) assert.ok(seen.has(k), `additive key ${k} not produced`);
  });

  it("IgnoreMe.proto is excluded by the unanchored Ignore* pattern", () => {
    const model = JSON.parse(must(out, "example.json")) as { files: { name: string }[] };
    assert.deepEqual(
      model.files.map((f) => f.name),
      ["Booking.proto", "Customer.proto", "Vehicle.proto"],
    );
    assert.doesNotMatch(must(out, "example.md"), /Ignored/);
    assert.doesNotMatch(must(out, "example.html"), /Ignored/);
  });

  it("markdown contains every golden table row (ours may append options after <br>)", () => {
    const ours = new Set(
      must(out, "example.md")
        .split("\n")
        .map((l) => l.trimEnd()),
    );
    const missing: string[] = [];
    for (const line of golden("example.md")
      .split("\n")
      .map((l) => l.trimEnd())) {
      if (!line.startsWith("| ") || line.startsWith("| --")) continue;
      if (ours.has(line)) continue;
      const prefix = `${line.slice(0, -2)}<br>`;
      if (![...ours].some((l) => l.startsWith(prefix))) missing.push(line);
    }
    assert.deepEqual(missing, []);
    // Headings and anchors of the golden are all there.
    for (const line of golden("example.md").split("\n")) {
      if (/^#{1,3} |^<a name=/.test(line)) assert.ok(ours.has(line.trimEnd()), `missing line: ${line}`);
    }
  });

  it("markdown and html show all names and descriptions of the golden model", () => {
    const model = JSON.parse(golden("example.json")) as unknown;
    const texts = new Set<string>();
    const collect = (v: unknown, key = ""): void => {
      if (Array.isArray(v)) v.forEach((x) => collect(x));
      else if (v !== null && typeof v === "object") {
        // Extensions are listed by name (as in the golden markdown), not by their extendee-based long name.
        const isExtension = "containingType" in v;
        for (const [k, x] of Object.entries(v)) if (k !== "scalarValueTypes" && !(isExtension && k === "longName")) collect(x, k);
      } else if (typeof v === "string" && v !== "" && ["name", "description", "longName"].includes(key)) {
        // Paragraphs may be re-wrapped; compare whitespace-normalized text per paragraph.
        for (const para of v.split(/\n\s*\n/)) texts.add(para.replace(/\s+/g, " ").trim());
      }
    };
    collect(model);
    const md = new MarkdownIt({ html: true });
    const plain = (html: string): string =>
      html
        .replace(/<[^>]*>/g, " ")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;|&#34;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&")
        .replace(/\s+/g, " ");
    const mdText = plain(md.render(must(out, "example.md")));
    const htmlText = plain(must(out, "example.html"));
    assert.ok(texts.size > 60, `collected ${texts.size} texts`);
    for (const t of texts) {
      assert.ok(mdText.includes(t), `markdown lacks: ${t}`);
      assert.ok(htmlText.includes(t), `html lacks: ${t}`);
    }
  });

  it("html is a self-contained page: no scripts, no external resources", () => {
    const html = must(out, "example.html");
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<script|<link|<img|src=|@import|url\(/i);
    assert.doesNotMatch(html, /https?:\/\//);
  });
});
