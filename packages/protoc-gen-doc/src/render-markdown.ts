import { rstRolesToText } from "@protoship/doc-text";
import type { DocEnum, DocField, DocFile, DocFileExtension, DocMessage, DocModel, DocService } from "./model.js";
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

/**
 * Escape untrusted text for markdown so that it renders as text: HTML is entity-escaped (no raw
 * tags, no autolinks), `[`/`]` are backslash-escaped (no links or images, so no `javascript:`
 * URLs), and code fences are defused so a comment cannot swallow the rest of the document.
 * Emphasis and inline code written in comments still work.
 */
export function mdText(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&#34;")
    .replace(/[[\]]/g, (c) => `\\${c}`)
    .replace(/^( {0,3})(`{3,}|~{3,})/gm, (_m, sp: string, fence: string) => `${sp}\\${fence}`);
}

/**
 * Escape untrusted text for a markdown table cell: as {@link mdText}, plus `|` escaped, single
 * line breaks joined with a space and paragraph breaks turned into `<br><br>`, so a multi-line
 * comment stays inside its row.
 */
export function mdCell(s: string): string {
  return mdText(s.replace(/\r\n?/g, "\n").trim())
    .replace(/\|/g, "\\|")
    .replace(/\n[ \t]*\n\s*/g, "<br><br>")
    .replace(/\n\s*/g, " ");
}

function link(text: string, target: string): string {
  return `[${mdText(text)}](#${target})`;
}

/**
 * A type reference: a link when the document holds the type (or it is a scalar or a well-known
 * type, linked to the protobuf reference), else plain text — never a link to a missing anchor.
 */
function typeLink(links: LinkTargets, longType: string, fullType: string): string {
  // Go keeps a leading "." on long names of types from other packages; show them without it.
  const text = longType.replace(/^\./, "");
  const href = links.type(fullType);
  return href === undefined ? mdText(text) : `[${mdText(text)}](${href})`;
}

function fieldType(links: LinkTargets, f: DocField): string {
  if (f.ismap && f.mapKey && f.mapValue) {
    return `map&lt;${typeLink(links, f.mapKey.longType, f.mapKey.fullType)}, ${typeLink(links, f.mapValue.longType, f.mapValue.fullType)}&gt;`;
  }
  return typeLink(links, f.longType, f.fullType);
}

function fieldName(f: DocField): string {
  return f.hasCustomJsonName ? `${mdCell(f.name)}<br>json: ${mdCell(f.jsonName)}` : mdCell(f.name);
}

/** A code span for a short untrusted value (code spans never interpret HTML or links). */
function codeSpan(s: string): string {
  return /[`\n\r]/.test(s) ? mdCell(s) : `\`${s.replace(/\|/g, "\\|")}\``;
}

function describe(description: string, options: DocField["options"], defaultValue = "", defaultAsCode = false): string {
  const parts: string[] = [];
  const main = (isDeprecated(options) ? "**Deprecated.** " : "") + mdCell(rstRolesToText(description));
  if (main.trim() !== "") parts.push(main.trim());
  if (defaultValue !== "") parts.push(`Default: ${defaultAsCode ? codeSpan(defaultValue) : mdCell(defaultValue)}`);
  const head = parts.join(" ");
  const opts = optionLines(options).map(mdCell);
  return [head, ...opts].filter((x) => x !== "").join("<br>");
}

function fieldRow(links: LinkTargets, f: DocField): string {
  return `| ${fieldName(f)} | ${fieldType(links, f)} | ${mdCell(displayLabel(f))} | ${describe(f.description, f.options, f.defaultValue)} |`;
}

const FIELD_HEADER = "| Field | Type | Label | Description |\n| ----- | ---- | ----- | ----------- |";
const EXT_HEADER = "| Extension | Type | Base | Number | Description |\n| --------- | ---- | ---- | ------ | ----------- |";

function extensionRow(e: DocFileExtension): string {
  return `| ${mdCell(e.name)} | ${mdCell(e.longType)} | ${mdCell(e.containingLongType.replace(/^\./, ""))} | ${e.number} | ${describe(e.description, e.options, e.defaultValue, true)} |`;
}

function message(links: LinkTargets, m: DocMessage, out: string[]): void {
  out.push(`<a name="${anchor(m.fullName)}"></a>`, "", `### ${mdText(m.longName)}`, mdText(rstRolesToText(m.description)), "");
  const opts = optionLines(m.options);
  if (isDeprecated(m.options)) opts.unshift("deprecated");
  if (opts.length > 0) out.push(`Options: ${opts.map(mdCell).join("; ")}`, "");
  const plain = plainFields(m);
  if (plain.length > 0) out.push("", FIELD_HEADER, ...plain.map((f) => fieldRow(links, f)), "");
  for (const o of m.oneofs) {
    const fields = oneofFields(m, o.name);
    out.push(
      "",
      `**oneof ${mdText(o.name)}** (at most one of these fields is set)${o.description ? `: ${mdCell(rstRolesToText(o.description))}` : ""}`,
      "",
    );
    out.push(FIELD_HEADER, ...fields.map((f) => fieldRow(links, f)), "");
  }
  if (m.hasExtensions) out.push("", EXT_HEADER, ...m.extensions.map(extensionRow), "");
  out.push("", "");
}

function enumSection(e: DocEnum, out: string[]): void {
  out.push(`<a name="${anchor(e.fullName)}"></a>`, "", `### ${mdText(e.longName)}`, mdText(rstRolesToText(e.description)), "");
  out.push("| Name | Number | Description |", "| ---- | ------ | ----------- |");
  for (const v of e.values ?? []) out.push(`| ${mdCell(v.name)} | ${mdCell(v.number)} | ${describe(v.description, v.options)} |`);
  out.push("", "");
}

function service(links: LinkTargets, s: DocService, out: string[]): void {
  out.push(`<a name="${anchor(s.fullName)}"></a>`, "", `### ${mdText(s.longName)}`, mdText(rstRolesToText(s.description)), "");
  out.push("| Method Name | Request Type | Response Type | Description |", "| ----------- | ------------ | ------------- | ------------|");
  for (const m of s.methods ?? []) {
    const req = typeLink(links, m.requestLongType, m.requestFullType) + (m.requestStreaming ? " stream" : "");
    const res = typeLink(links, m.responseLongType, m.responseFullType) + (m.responseStreaming ? " stream" : "");
    out.push(`| ${mdCell(m.name)} | ${req} | ${res} | ${describe(m.description, m.options)} |`);
  }
  out.push("", "");
}

function file(links: LinkTargets, f: DocFile, out: string[]): void {
  out.push(
    `<a name="${anchor(f.name)}"></a>`,
    '<p align="right"><a href="#top">Top</a></p>',
    "",
    `## ${mdText(f.name)}`,
    mdText(rstRolesToText(f.description)),
    "",
    "",
  );
  for (const m of visibleMessages(f.messages)) message(links, m, out);
  for (const e of f.enums) enumSection(e, out);
  if (f.hasExtensions) {
    out.push(
      `<a name="${anchor(f.name)}-extensions"></a>`,
      "",
      "### File-level Extensions",
      EXT_HEADER,
      ...f.extensions.map(extensionRow),
      "",
      "",
    );
  }
  for (const s of f.services) service(links, s, out);
}

/** Markdown output with the layout of Go protoc-gen-doc's markdown template. */
export function renderMarkdown(model: DocModel): string {
  const out: string[] = ["# Protocol Documentation", '<a name="top"></a>', "", "## Table of Contents", ""];
  for (const f of model.files) {
    out.push(`- ${link(f.name, anchor(f.name))}`);
    for (const m of visibleMessages(f.messages)) out.push(`    - ${link(m.longName, anchor(m.fullName))}`);
    for (const e of f.enums) out.push(`    - ${link(e.longName, anchor(e.fullName))}`);
    if (f.hasExtensions) out.push(`    - ${link("File-level Extensions", `${anchor(f.name)}-extensions`)}`);
    for (const s of f.services) out.push(`    - ${link(s.longName, anchor(s.fullName))}`);
  }
  out.push("- [Scalar Value Types](#scalar-value-types)", "", "", "");
  const links = new LinkTargets(model);
  for (const f of model.files) file(links, f, out);
  // An explicit anchor: the table of contents links here in viewers that do not slug headings too.
  out.push(
    '<a name="scalar-value-types"></a>',
    "",
    "## Scalar Value Types",
    "",
    "| .proto Type | Notes | C++ | Java | Python | Go | C# | PHP | Ruby |",
    "| ----------- | ----- | --- | ---- | ------ | -- | -- | --- | ---- |",
  );
  // The scalar table is our own constant data (no escaping, so `[]byte` reads as in Go's output).
  for (const s of model.scalarValueTypes) {
    const cells = [s.notes, s.cppType, s.javaType, s.pythonType, s.goType, s.csType, s.phpType, s.rubyType];
    out.push(`| <a name="${anchor(s.protoType)}" /> ${s.protoType} | ${cells.join(" | ")} |`);
  }
  return `${out.join("\n")}\n`;
}
