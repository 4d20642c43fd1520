/**
 * Comments on the site follow the one comment policy of @protoship/doc-text, shared with
 * protoc-gen-doc's html output: no raw HTML, no images, no `javascript:` links,
 * reStructuredText degraded to readable Markdown.
 */
export { plainSummary, renderComment as renderMarkdown, renderInline as renderMarkdownInline } from "@protoship/doc-text";
