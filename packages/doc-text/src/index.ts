/**
 * @protoship/doc-text: how untrusted proto text reads in protoship's documentation, shared by
 * the docs site and protoc-gen-doc: the comment Markdown policy (reStructuredText degraded),
 * Envoy's `[#…]` annotations, validation rules as text, links to well-known types and reference resolution.
 */
export { renderComment, renderInline, plainSummary, type CommentOptions } from "./markdown.js";
export { rstToMarkdown, rstRolesToText, type RefResolver } from "./rst.js";
export { codeFence, codeSpan, markdownText } from "./markdown-text.js";
export { protodocAnnotations } from "./protodoc.js";
export { RefIndex, refName } from "./refs.js";
export { formatRules, isRuleList, RULE_OPTIONS, type Rule } from "./rules.js";
export { wellKnownTypeUrl, PROTOBUF_REFERENCE_URL } from "./well-known.js";
