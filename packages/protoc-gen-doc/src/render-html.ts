import { renderComment, type RefResolver } from "@protoship/doc-text";
import type { DocEnum, DocField, DocFile, DocFileExtension, DocMessage, DocModel, DocOptions, DocService } from "./model.js";
import {
  anchor,
  displayLabel,
  isDeprecated,
  LinkTargets,
  oneofFields,
  optionLines,
  plainFields,
  visibleMessages,
} from "./render-common.js";

/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/**
 * A comment rendered as safe HTML with the shared comment policy of @protoship/doc-text (no raw
 * HTML, no images, no `javascript:` links; reStructuredText degraded), `:ref:`s linked when
 * `resolveRef` knows the target.
 */
export function commentHtml(text: string, resolveRef?: RefResolver): string {
  return renderComment(text, resolveRef ? { resolveRef } : {});
}

const FIELD_HEAD = "<thead><tr><td>Field</td><td>Type</td><td>Label</td><td>Description</td></tr></thead>";
const EXT_HEAD = "<thead><tr><td>Extension</td><td>Type</td><td>Base</td><td>Number</td><td>Description</td></tr></thead>";

/** The sections of one document; references link only to targets the document holds. */
class HtmlBody {
  constructor(private readonly links: LinkTargets) {}

  typeLink(longType: string, fullType: string): string {
    // Go keeps a leading "." on long names of types from other packages; show them without it.
    const href = this.links.type(fullType);
    const text = escapeHtml(longType.replace(/^\./, ""));
    return href === undefined ? `<code>${text}</code>` : `<a href="${escapeHtml(href)}">${text}</a>`;
  }

  fieldType(f: DocField): string {
    if (f.ismap && f.mapKey && f.mapValue) {
      return `map&lt;${this.typeLink(f.mapKey.longType, f.mapKey.fullType)}, ${this.typeLink(f.mapValue.longType, f.mapValue.fullType)}&gt;`;
    }
    return this.typeLink(f.longType, f.fullType);
  }

  describe(description: string, options: DocOptions | undefined, defaultValue = ""): string {
    let html = "";
    if (isDeprecated(options)) html += '<p class="deprecated"><strong>Deprecated.</strong></p>';
    html += commentHtml(description, this.links.refs.resolve);
    if (defaultValue !== "") html += `<p>Default: <code>${escapeHtml(defaultValue)}</code></p>`;
    const opts = optionLines(options);
    if (opts.length > 0) html += `<ul class="options">${opts.map((o) => `<li><code>${escapeHtml(o)}</code></li>`).join("")}</ul>`;
    return html;
  }

  fieldRows(fields: DocField[]): string {
    return fields
      .map((f) => {
        const name = escapeHtml(f.name) + (f.hasCustomJsonName ? `<br><small>json: ${escapeHtml(f.jsonName)}</small>` : "");
        return `<tr><td>${name}</td><td>${this.fieldType(f)}</td><td>${escapeHtml(displayLabel(f))}</td><td>${this.describe(f.description, f.options, f.defaultValue)}</td></tr>`;
      })
      .join("\n");
  }

  extensionRows(exts: DocFileExtension[]): string {
    return exts
      .map(
        (e) =>
          `<tr><td>${escapeHtml(e.name)}</td><td>${this.typeLink(e.longType, e.fullType)}</td><td>${this.typeLink(e.containingLongType, e.containingFullType)}</td><td>${e.number}</td><td>${this.describe(e.description, e.options, e.defaultValue)}</td></tr>`,
      )
      .join("\n");
  }

  message(m: DocMessage): string {
    let html = `<h3 id="${escapeHtml(anchor(m.fullName))}">${escapeHtml(m.longName)}</h3>\n${this.describe(m.description, m.options)}\n`;
    const plain = plainFields(m);
    if (plain.length > 0) html += `<table class="field-table">${FIELD_HEAD}<tbody>\n${this.fieldRows(plain)}\n</tbody></table>\n`;
    for (const o of m.oneofs) {
      html += `<h4 class="oneof">oneof <code>${escapeHtml(o.name)}</code> <small>(at most one of these fields is set)</small></h4>\n${commentHtml(o.description, this.links.refs.resolve)}`;
      html += `<table class="field-table oneof">${FIELD_HEAD}<tbody>\n${this.fieldRows(oneofFields(m, o.name))}\n</tbody></table>\n`;
    }
    if (m.hasExtensions)
      html += `<h4>Extensions</h4><table class="extension-table">${EXT_HEAD}<tbody>\n${this.extensionRows(m.extensions)}\n</tbody></table>\n`;
    return html;
  }

  enumSection(e: DocEnum): string {
    const rows = (e.values ?? [])
      .map(
        (v) => `<tr><td>${escapeHtml(v.name)}</td><td>${escapeHtml(v.number)}</td><td>${this.describe(v.description, v.options)}</td></tr>`,
      )
      .join("\n");
    return `<h3 id="${escapeHtml(anchor(e.fullName))}">${escapeHtml(e.longName)}</h3>\n${this.describe(e.description, e.options)}\n<table class="enum-table"><thead><tr><td>Name</td><td>Number</td><td>Description</td></tr></thead><tbody>\n${rows}\n</tbody></table>\n`;
  }

  service(s: DocService): string {
    const rows = (s.methods ?? [])
      .map((m) => {
        const req = this.typeLink(m.requestLongType, m.requestFullType) + (m.requestStreaming ? " stream" : "");
        const res = this.typeLink(m.responseLongType, m.responseFullType) + (m.responseStreaming ? " stream" : "");
        return `<tr><td>${escapeHtml(m.name)}</td><td>${req}</td><td>${res}</td><td>${this.describe(m.description, m.options)}</td></tr>`;
      })
      .join("\n");
    return `<h3 id="${escapeHtml(anchor(s.fullName))}">${escapeHtml(s.longName)}</h3>\n${this.describe(s.description, s.options)}\n<table class="enum-table"><thead><tr><td>Method Name</td><td>Request Type</td><td>Response Type</td><td>Description</td></tr></thead><tbody>\n${rows}\n</tbody></table>\n`;
  }

  file(f: DocFile): string {
    let html = `<div class="file-heading"><h2 id="${escapeHtml(anchor(f.name))}">${escapeHtml(f.name)}</h2><a href="#title">Top</a></div>\n${this.describe(f.description, f.options)}\n`;
    for (const m of visibleMessages(f.messages)) html += this.message(m);
    for (const e of f.enums) html += this.enumSection(e);
    if (f.hasExtensions) {
      html += `<h3 id="${escapeHtml(anchor(f.name))}-extensions">File-level Extensions</h3>\n<table class="extension-table">${EXT_HEAD}<tbody>\n${this.extensionRows(f.extensions)}\n</tbody></table>\n`;
    }
    for (const s of f.services) html += this.service(s);
    return html;
  }
}

function toc(model: DocModel): string {
  const item = (href: string, text: string, cls: string): string =>
    `<li><a href="#${escapeHtml(href)}"><span class="badge">${cls}</span>${escapeHtml(text)}</a></li>`;
  const files = model.files
    .map((f) => {
      const items = [
        ...visibleMessages(f.messages).map((m) => item(anchor(m.fullName), m.longName, "M")),
        ...f.enums.map((e) => item(anchor(e.fullName), e.longName, "E")),
        ...(f.hasExtensions ? [item(`${anchor(f.name)}-extensions`, "File-level Extensions", "X")] : []),
        ...f.services.map((s) => item(anchor(s.fullName), s.longName, "S")),
      ];
      return `<li><a href="#${escapeHtml(anchor(f.name))}">${escapeHtml(f.name)}</a>\n<ul>\n${items.join("\n")}\n</ul></li>`;
    })
    .join("\n");
  return `<h2>Table of Contents</h2>\n<div id="toc-container"><ul id="toc">\n${files}\n<li><a href="#scalar-value-types">Scalar Value Types</a></li>\n</ul></div>\n`;
}

function scalars(model: DocModel): string {
  const rows = model.scalarValueTypes
    .map(
      (s) =>
        `<tr id="${escapeHtml(s.protoType)}"><td>${escapeHtml(s.protoType)}</td><td>${escapeHtml(s.notes)}</td><td>${escapeHtml(s.cppType)}</td><td>${escapeHtml(s.javaType)}</td><td>${escapeHtml(s.pythonType)}</td><td>${escapeHtml(s.goType)}</td><td>${escapeHtml(s.csType)}</td><td>${escapeHtml(s.phpType)}</td><td>${escapeHtml(s.rubyType)}</td></tr>`,
    )
    .join("\n");
  return `<h2 id="scalar-value-types">Scalar Value Types</h2>\n<table class="scalar-value-types-table"><thead><tr><td>.proto Type</td><td>Notes</td><td>C++</td><td>Java</td><td>Python</td><td>Go</td><td>C#</td><td>PHP</td><td>Ruby</td></tr></thead><tbody>\n${rows}\n</tbody></table>\n`;
}

const STYLE = `
body { max-width: 60em; margin: 1em auto; color: #222; font-family: system-ui, sans-serif; padding: 0 1em 4em; }
h1 { font-weight: normal; border-bottom: 1px solid #aaa; padding-bottom: 0.5ex; }
h2 { border-bottom: 1px solid #aaa; padding-bottom: 0.5ex; margin: 1.5em 0; }
h3 { font-weight: normal; border-bottom: 1px solid #aaa; padding-bottom: 0.5ex; }
a { text-decoration: none; color: #567e25; }
table { width: 100%; font-size: 80%; border-collapse: collapse; margin-bottom: 1em; }
thead { font-weight: 700; background-color: #dcdcdc; }
td { vertical-align: top; padding: 0.5em; border: 1px solid #ddd; }
td p { margin: 0 0 0.5em; }
.file-heading { width: 100%; display: table; border-bottom: 1px solid #aaa; margin: 4em 0 1.5em 0; }
.file-heading h2 { border: none; display: table-cell; }
.file-heading a { text-align: right; display: table-cell; }
.badge { width: 1.6em; display: inline-block; margin-right: 0.5em; font-size: 70%; color: #fff; background: #8b6c42; border-radius: 3px; text-align: center; }
.deprecated strong { color: #b00; }
ul.options { margin: 0; padding-left: 1.2em; }
`;

/**
 * HTML output: one self-contained page (inline CSS, no scripts, no external resources) with the
 * sections of Go protoc-gen-doc's html template. All names are HTML-escaped and comments are
 * rendered as markdown with raw HTML disabled.
 */
export function renderHtml(model: DocModel): string {
  const doc = new HtmlBody(new LinkTargets(model));
  const body = model.files.map((f) => doc.file(f)).join("\n");
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Protocol Documentation</title>
<style>${STYLE}</style>
</head>
<body>
<h1 id="title">Protocol Documentation</h1>
${toc(model)}
${body}
${scalars(model)}
</body>
</html>
`;
}
