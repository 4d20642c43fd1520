import type { DocModel } from "./model.js";

/**
 * JSON output, indented by two spaces like Go's `json.MarshalIndent`. `<`, `>`, `&`, U+2028 and
 * U+2029 are written as `\uXXXX` escapes (as Go does), so the text stays inert even when the JSON
 * is pasted into an HTML `<script>` block.
 */
export function renderJson(model: DocModel): string {
  return JSON.stringify(model, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
