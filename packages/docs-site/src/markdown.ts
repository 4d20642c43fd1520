import MarkdownIt from "markdown-it";

/**
 * Markdown renderer for proto comments, which are untrusted. `html: false` turns raw HTML into
 * text, and markdown-it's default `validateLink` drops `javascript:`, `vbscript:`, `file:` and
 * non-image `data:` URLs, so we keep it. Links open normally; images are left to the page's CSP
 * (which allows same-origin only), so a comment cannot make the page contact another host.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// External links get rel=noopener/noreferrer; no target change.
const defaultLinkOpen = md.renderer.rules.link_open;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "noopener noreferrer nofollow");
  return defaultLinkOpen ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

/** Renders a block of Markdown (a proto comment) to sanitised HTML. */
export function renderMarkdown(text: string | undefined): string {
  if (!text || !text.trim()) return "";
  return md.render(text);
}

/** Renders one line of Markdown without a wrapping paragraph (e.g. a changelog entry). */
export function renderMarkdownInline(text: string): string {
  return md.renderInline(text);
}

/**
 * Plain-text version of a comment for index cards and search snippets: the first paragraph's
 * text as markdown-it parsed it (so `<script>` stays literal text, emphasis markers vanish).
 */
export function plainSummary(text: string | undefined, max = 160): string {
  if (!text || !text.trim()) return "";
  const first = text.trim().split(/\n\s*\n/)[0] ?? "";
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
