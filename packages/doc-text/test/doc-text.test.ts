// The shared comment policy on real markdown-it: reStructuredText degraded, hostile input inert,
// rules as text, well-known types and references resolved.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatRules, plainSummary, protodocAnnotations, RefIndex, renderComment, rstRolesToText, wellKnownTypeUrl } from "../src/index.ts";

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

describe("reStructuredText wrapped across comment lines (as the Envoy xDS API writes it)", () => {
  const refs = new RefIndex();
  refs.add("envoy.config.cluster.v3.Cluster", "cluster.html#Cluster");
  refs.add("envoy.config.cluster.v3.Cluster.name", "cluster.html#Cluster.name");
  const render = (text: string) => renderComment(text, { resolveRef: refs.resolve });
  // [wrapped, the same on one line]: each wrapped form renders exactly as its one-line form.
  const cases: [string, string][] = [
    [
      "Name of the cluster. See the :ref:`service_name\n<envoy_v3_api_field_config.cluster.v3.Cluster.name>` for details.",
      "Name of the cluster. See the :ref:`service_name <envoy_v3_api_field_config.cluster.v3.Cluster.name>` for details.",
    ],
    [
      "such as the :ref:`Proxy Protocol\nlistener filter <config_listener_filters_proxy_protocol>`).",
      "such as the :ref:`Proxy Protocol listener filter <config_listener_filters_proxy_protocol>`).",
    ],
    [
      "See :ref:`extension configuration overview\n  <config_overview_extension_configuration>` for further details.",
      "See :ref:`extension configuration overview <config_overview_extension_configuration>` for further details.",
    ],
    [
      "Uses :ref:`a cluster\nthat is\nlong <envoy_v3_api_msg_config.cluster.v3.Cluster>`.",
      "Uses :ref:`a cluster that is long <envoy_v3_api_msg_config.cluster.v3.Cluster>`.",
    ],
    [
      "Performs a match by evaluating a `Common Expression Language\n<https://github.com/google/cel-spec>`_ (CEL) expression.",
      "Performs a match by evaluating a `Common Expression Language <https://github.com/google/cel-spec>`_ (CEL) expression.",
    ],
    [
      "- item with :ref:`a\n  title <envoy_v3_api_msg_config.cluster.v3.Cluster>` in a list",
      "- item with :ref:`a title <envoy_v3_api_msg_config.cluster.v3.Cluster>` in a list",
    ],
  ];
  for (const [wrapped, oneLine] of cases) {
    it(`renders ${JSON.stringify(wrapped.slice(0, 50))}… as its one-line form`, () => {
      assert.equal(render(wrapped), render(oneLine));
      assert.doesNotMatch(render(wrapped), /:ref:|`_/);
      assert.equal(plainSummary(wrapped), plainSummary(oneLine));
      assert.equal(rstRolesToText(wrapped), rstRolesToText(oneLine));
    });
  }

  it("links the wrapped reference like the one-line one", () => {
    assert.match(
      render(cases[0]![0]),
      /<a href="cluster.html#Cluster.name" rel="noopener noreferrer nofollow">service_name<\/a> for details/,
    );
  });

  it("joins only within a paragraph, and leaves code and unclosed spans alone", () => {
    // A blank line ends the paragraph: the role stays unclosed (as RST reads it too).
    assert.match(render("A :ref:`open\n\n<x>` b"), /<p>A :ref:`open<\/p>/);
    // A code block's lines are never joined.
    const code = "Example:\n\n.. code-block:: yaml\n\n  a: `b\n  c: d`\n";
    assert.match(render(code), /<code class="language-yaml">a: `b\nc: d`\n<\/code>/);
    // Wrapped hostile text stays inert.
    const html = render(":ref:`<script>alert(1)\n</script> <javascript:alert(2)>` and `x\n<javascript:alert(3)>`_");
    assert.doesNotMatch(html, /<script|href="javascript/i);
  });
});

describe("Envoy protodoc annotations", () => {
  // [comment, Markdown it becomes]
  const cases: [string, string][] = [
    ["[#next-free-field: 8]\nA cluster.", "A cluster."],
    ["A cluster.\n[#next-free-field: 8]", "A cluster.\n"],
    ["A cluster. [#next-free-field: 8]\nMore.", "A cluster.\nMore."],
    ["Foo\n  [#comment:TODO(x): a [#extension-category: y] comment\n  that spans lines]\nBar", "Foo\nBar"],
    ["[#next-major-version: remove this] Kept.", "Kept."],
    // Unbalanced, as Envoy's listener_components.proto writes it: it closes at the first `]`, as in Envoy's protodoc.
    [
      "Most specific.\n\n[#comment: Implemented rules\nlisted at the end.\n\n[#comment:TODO(x): Add support]\n[#next-free-field: 14]",
      "Most specific.\n\n",
    ],
    ["[#not-implemented-hide:] The optional path.", "*Not implemented.* The optional path."],
    ["[#protodoc-title: gRPC statistics] gRPC statistics filter", "**gRPC statistics**\n\ngRPC statistics filter"],
    [
      "Configuration for the aggregate cluster.\n[#extension: envoy.clusters.aggregate]",
      "Configuration for the aggregate cluster.\n\nExtension: `envoy.clusters.aggregate`\n\n",
    ],
    ["Formatters.\n[#extension-category: envoy.formatter]\n", "Formatters.\n\nExtension category: `envoy.formatter`\n\n"],
    ["Unknown [#foo: bar] and unclosed [#comment: x stay.", "Unknown [#foo: bar] and unclosed [#comment: x stay."],
    ["No annotation: [link](#x) and [#] stay.", "No annotation: [link](#x) and [#] stay."],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input.slice(0, 40))}`, () => assert.equal(protodocAnnotations(input), expected));
  }

  it("renders titles, extensions and the not-implemented note; bookkeeping vanishes", () => {
    const html = renderComment(
      "[#protodoc-title: Router]\nRouter :ref:`configuration overview <config_http_filters_router>`.\n[#extension: envoy.filters.http.router]\n[#next-free-field: 9]",
    );
    assert.equal(
      html,
      "<p><strong>Router</strong></p>\n<p>Router configuration overview.</p>\n<p>Extension: <code>envoy.filters.http.router</code></p>\n",
    );
    assert.equal(
      plainSummary("[#next-free-field: 8]\nDelay specification. [#not-implemented-hide:]\n\nMore."),
      "Delay specification. Not implemented.",
    );
    assert.equal(plainSummary("[#next-free-field: 6]"), "");
    assert.equal(rstRolesToText("[#protodoc-title: A *b*] c [#extension: x_y]"), "A *b*\n\nc\n\nExtension: x_y\n\n");
  });

  it("keeps annotation values inert", () => {
    const html = renderComment(
      "[#protodoc-title: <script>alert(1)</script> [x](javascript:alert(2))]\n[#extension: `</code><img src=x onerror=alert(3)>`]\n[#extension-category: **x**]",
    );
    assert.doesNotMatch(html, /<script|<img|href=|<em>|<strong>x/i);
    assert.match(html, /<strong>&lt;script&gt;alert\(1\)&lt;\/script&gt; \[x\]\(javascript:alert\(2\)\)<\/strong>/);
    assert.match(html, /<code>\*\*x\*\*<\/code>/);
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
