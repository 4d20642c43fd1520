// The shared comment policy on real markdown-it: reStructuredText degraded, hostile input inert,
// rules as text, well-known types and references resolved.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatRules, plainSummary, RefIndex, renderComment, rstRolesToText, wellKnownTypeUrl } from "../src/index.ts";

describe("renderComment: reStructuredText", () => {
  const refs = new RefIndex();
  refs.add("envoy.config.cluster.v3.CircuitBreakers.Thresholds", "cluster.html#Thresholds");
  refs.add("envoy.config.cluster.v3.Cluster", "cluster.html#Cluster");
  const render = (text: string) => renderComment(text, { resolveRef: refs.resolve });

  it("code-block and literal blocks become code, not lists", () => {
    const html = render("Example:\n\n.. code-block:: yaml\n\n  clusters:\n  - name: foo\n\nOr::\n\n  - a: 1\n");
    assert.match(html, /<pre><code class="language-yaml">clusters:\n- name: foo\n<\/code><\/pre>/);
    assert.match(html, /<p>Or:<\/p>\n<pre><code>- a: 1\n<\/code><\/pre>/);
    assert.doesNotMatch(html, /<li>/);
  });

  it("roles link when the target resolves (Sphinx labels too), else read as text or code", () => {
    const html = render(
      "See :ref:`Thresholds<api_msg_config.cluster.v3.CircuitBreakers.Thresholds>`, " +
        ":ref:`envoy_v3_api_field_config.cluster.v3.Cluster.name`, " +
        ":ref:`gone <api_msg_x.Gone>`, :ref:`api_msg_y.Missing`, :code:`a < b` and :ref:`google.protobuf.Duration`.",
    );
    assert.match(html, /<a href="cluster.html#Thresholds" rel="noopener noreferrer nofollow">Thresholds<\/a>/);
    assert.match(html, /<a href="cluster.html#Cluster"[^>]*><code>envoy_v3_api_field_config.cluster.v3.Cluster.name<\/code><\/a>/);
    assert.match(html, /, gone, <code>api_msg_y.Missing<\/code>, <code>a &lt; b<\/code>/);
    assert.match(html, /<a href="https:\/\/protobuf.dev\/reference\/protobuf\/google.protobuf\/#duration"/);
  });

  it("admonitions become quotes; comments and targets vanish; unknown directives keep their text", () => {
    const html = render(".. _label:\n\n.. note::\n\n  Be *careful*.\n\n.. deprecated:: 1.2\n  Use X.\n\n.. this is an RST comment\n\nEnd.");
    assert.match(html, /<blockquote>\n<p><strong>Note:<\/strong><\/p>\n<p>Be <em>careful<\/em>.<\/p>\n<\/blockquote>/);
    assert.match(html, /<p><strong>Deprecated:<\/strong><\/p>\n<p>1.2\nUse X.<\/p>/);
    assert.doesNotMatch(html, /label|RST comment/);
  });

  it("stays inert: raw directives dropped, no javascript: links, a code block cannot be closed early", () => {
    const html = render(
      ".. raw:: html\n\n  <script>alert(1)</script>\n\n" +
        "`x <javascript:alert(1)>`_ :ref:`y <javascript:alert(2)>` <img src=x onerror=alert(3)>\n\n" +
        ".. code-block:: text\n\n  ```\n  </code></pre><script>alert(4)</script>\n",
    );
    assert.doesNotMatch(html, /<script|<img|href="javascript/i);
    const escaped = "```\n&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;\n";
    assert.ok(html.includes(`<pre><code class="language-text">${escaped}</code></pre>`), html);
  });

  it("plain Markdown passes through unchanged", () => {
    const md = "A *b* `c` [d](https://e.example/) list:\n\n- one\n- two\n\n```yaml\na: :ref:`x`\n```\n";
    assert.equal(render(md), renderComment(md));
    assert.match(render(md), /<code class="language-yaml">a: :ref:`x`\n<\/code>/);
  });

  it("plain summaries and plain-text roles drop the markup", () => {
    assert.equal(plainSummary("Uses :ref:`Thresholds<api_msg_a.B>` and *c*.\n\nMore."), "Uses Thresholds and c.");
    const text = rstRolesToText("See :ref:`Thresholds<api_msg_a.B>` and `docs <https://x.example/>`_.");
    assert.equal(text, "See Thresholds and docs (https://x.example/).");
  });
});

describe("formatRules and wellKnownTypeUrl", () => {
  it("reads PGV, protovalidate and go-proto-validators rules as text", () => {
    assert.deepEqual(
      formatRules([
        { name: "duration.gt", value: {} },
        { name: "duration.lte", value: "1.500s" },
        { name: "timestamp.lt.seconds", value: 5 },
        { name: "duration.lt.seconds", value: 1 },
        { name: "duration.lt.nanos", value: 500000000 },
        { name: "string.min_len", value: 1 },
        { name: "string.in", value: ["a", "b"] },
        { name: "required", value: true },
        { name: "message.required", value: true },
        { name: "repeated.items.string.pattern", value: "^a$" },
        { name: "int32.not_in", value: [0] },
        { name: "cel", value: [{ id: "k", expression: "this > 1", message: "too small" }] },
        { name: "string.well_known_regex", value: "HTTP_HEADER_NAME" },
      ]),
      [
        "> 0s",
        "<= 1.500s",
        "< 1970-01-01T00:00:05Z",
        "< 1.5s",
        "min_len: 1",
        'in: ["a", "b"]',
        "required",
        "required",
        'items: pattern: "^a$"',
        "not in: [0]",
        "cel (k): this > 1 — too small",
        'well_known_regex: "HTTP_HEADER_NAME"',
      ],
    );
  });

  it("links well-known types to the protobuf reference, nothing else", () => {
    assert.equal(wellKnownTypeUrl("google.protobuf.FieldMask"), "https://protobuf.dev/reference/protobuf/google.protobuf/#field-mask");
    assert.equal(wellKnownTypeUrl(".google.protobuf.UInt64Value"), "https://protobuf.dev/reference/protobuf/google.protobuf/#uint64-value");
    assert.equal(wellKnownTypeUrl("google.protobuf.Field.Kind"), "https://protobuf.dev/reference/protobuf/google.protobuf/#field-kind");
    assert.equal(wellKnownTypeUrl("google.protobuf.FileDescriptorProto"), undefined);
    assert.equal(wellKnownTypeUrl("acme.Duration"), undefined);
  });
});
