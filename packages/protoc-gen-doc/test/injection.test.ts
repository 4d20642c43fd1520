// Untrusted comments and option values must come out as inert text in every format.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import MarkdownIt from "markdown-it";
import type { DocModel } from "../src/index.ts";
import { FIXTURES, Workspace, must, readProtoDir } from "./helpers.ts";

/** Tags our own templates emit; anything else in the output came from a comment. */
const ALLOWED_TAGS = new Set([
  "html",
  "head",
  "meta",
  "title",
  "style",
  "body",
  "h1",
  "h2",
  "h3",
  "h4",
  "div",
  "p",
  "a",
  "span",
  "small",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "br",
  "strong",
  "em",
  "code",
  "ul",
  "li",
  "pre",
  "blockquote",
  "hr",
]);

/** Tags (with their attributes) found in an HTML document, `<style>` contents excluded. */
function tags(html: string): { name: string; attrs: string }[] {
  const body = html.replace(/<style>[^<]*<\/style>/g, "");
  return [...body.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((m) => ({ name: (m[1] ?? "").toLowerCase(), attrs: m[2] ?? "" }));
}

function assertInert(html: string, what: string): void {
  for (const t of tags(html)) {
    assert.ok(ALLOWED_TAGS.has(t.name), `${what}: unexpected <${t.name}${t.attrs}>`);
    assert.doesNotMatch(t.attrs, /\bon[a-z]+\s*=|\bsrc\s*=/i, `${what}: active attribute in <${t.name}${t.attrs}>`);
    for (const href of t.attrs.matchAll(/href="([^"]*)"/g)) {
      assert.match(href[1] ?? "", /^(#|https?:)/, `${what}: unexpected link target ${href[1]}`);
    }
  }
  assert.doesNotMatch(html, /<\/?script|<img|<iframe|<svg/i, `${what}: live markup`);
}

describe("hostile comments are rendered inert", () => {
  let ws: Workspace;
  let out: Map<string, string>;
  before(async () => {
    ws = new Workspace(readProtoDir(path.join(FIXTURES, "hostile")));
    out = await ws.generate(["json,doc.json", "markdown,doc.md", "html,doc.html"]);
  });
  after(() => ws.dispose());

  it("json is valid, keeps the exact text, and escapes <, > and &", () => {
    const raw = must(out, "doc.json");
    const model = JSON.parse(raw) as DocModel;
    const evil = model.files[0]?.messages.find((m) => m.name === "Evil");
    assert.equal(
      evil?.description,
      '<script>alert("x")</script> and <img src=x onerror=alert(1)>\n[click me](javascript:alert(1)) and <javascript:alert(2)> and [ref][r]\n\n' +
        "[r]: javascript:alert(3)\nEnds a C comment */ and </style></script><!-- & &amp; &lt;\n```\nfence that never closes",
    );
    assert.deepEqual(evil?.fields[0]?.options, { "evil.v1.note": "<img src=x onerror=alert(5)>" });
    assert.doesNotMatch(raw, /[<>]/, "no raw angle brackets in the JSON text");
  });

  it("markdown renders as text even with a renderer that allows raw HTML", () => {
    const md = must(out, "doc.md");
    const rendered = new MarkdownIt({ html: true, linkify: true }).render(md);
    assertInert(rendered, "markdown");
    // The text is still there, visibly.
    assert.match(rendered, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(rendered, /\[click me\]\(javascript:alert\(1\)\)/);
    assert.match(rendered, /Ends a C comment \*\/ and &lt;\/style&gt;&lt;\/script&gt;&lt;!-- &amp; &amp;amp; &amp;lt;/);
    // The unclosed fence did not swallow the rest of the document, and the table survived the pipes.
    assert.match(rendered, /<h2>Scalar Value Types<\/h2>/);
    // (linkify may turn the https URL into a link, which is fine; it must not become an image.)
    assert.match(
      rendered,
      /<td>\| breaks \| the \| table &lt;b onmouseover=alert\(4\)&gt;bold&lt;\/b&gt; !\[img\]\(.*<br>evil\.v1\.note: &lt;img src=x onerror=alert\(5\)&gt;<\/td>/,
    );
  });

  it("html page escapes every comment and option value", () => {
    const html = must(out, "doc.html");
    assertInert(html, "html");
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=alert\(5\)&gt;/);
    assert.match(html, /\[click me\]\(javascript:alert\(1\)\)/, "javascript: link left as text");
    assert.match(html, /Ends a C comment \*\/ and &lt;\/style&gt;/);
    assert.match(html, /<h2 id="scalar-value-types">/);
  });
});
