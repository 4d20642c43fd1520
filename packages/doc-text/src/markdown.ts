import MarkdownIt from "markdown-it";
import { rstToMarkdown, type RefResolver } from "./rst.js";

/**
 * The one Markdown policy for proto comments, which are untrusted, used by the docs site and by
 * protoc-gen-doc's html output:
 * - raw HTML is off (`<script>` reads as text);
 * - markdown-it's default `validateLink` refuses `javascript:`, `vbscript:`, `file:` and
 *   non-image `data:` URLs;
 * - images are off, so a comment never makes a page load anything from anywhere;
 * - entities are off, so `&lt;` in a comment reads as `&lt;` (as in the markdown output);
 * - links get `rel="noopener noreferrer nofollow"`.
 * reStructuredText roles and directives are degraded to Markdown first ({@link rstToMarkdown}).
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false }).disable(["image", "entity"]);

const defaultLinkOpen = md.renderer.rules.link_open;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "noopener noreferrer nofollow");
  return defaultLinkOpen ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

/** Options of {@link renderComment}. */
export interface CommentOptions {
  /** Resolves a reStructuredText `:ref:` target to an href; unresolved references read as text. */
  resolveRef?: RefResolver;
}

/** Renders a comment (Markdown, possibly with reStructuredText) to sanitised HTML; "" when blank. */
export function renderComment(text: string | undefined, options: CommentOptions = {}): string {
  if (!text?.trim()) return "";
  return md.render(rstToMarkdown(text, options.resolveRef));
}

/** Renders one line of Markdown without a wrapping paragraph (e.g. a changelog entry). */
export function renderInline(text: string): string {
  return md.renderInline(text);
}

/**
 * Plain text of a comment's first paragraph, for index cards and search snippets: the text as
 * markdown-it parsed it (so `<script>` stays literal text, emphasis markers and RST roles vanish).
 */
export function plainSummary(text: string | undefined, max = 160): string {
  if (!text?.trim()) return "";
  const first =
    rstToMarkdown(text)
      .trim()
      .split(/\n\s*\n/)[0] ?? "";
  const parts: string[] = [];
  for (const token of md.parse(first, {})) {
    if (token.type !== "inline") continue;
    for (const child of token.children ?? []) {
      if (child.type === "text" || child.type === "code_inline") parts.push(child.content);
      else if (child.type === "softbreak" || child.type === "hardbreak") parts.push(" ");
    }
    parts.push(" ");
  }
  const plain = parts.join("").replace(/\s+/g, " ").trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
