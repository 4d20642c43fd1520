/**
 * @protoship/protoc-gen-doc: a protoc / buf plugin compatible with Go protoc-gen-doc 1.5.1, and a
 * library to build its documentation model and render it.
 */
export type * from "./model.js";
export { buildDocModel, type BuildOptions } from "./build-model.js";
export { parseParameter, ParameterError, type DocFormat, type PluginParameter } from "./parameter.js";
export { renderJson } from "./render-json.js";
export { renderMarkdown, mdText, mdCell } from "./render-markdown.js";
export { renderHtml, escapeHtml, commentHtml } from "./render-html.js";
export { render, generateFiles, runPlugin, protocGenDoc, VERSION } from "./plugin.js";
export { SCALAR_VALUE_TYPES } from "./scalars.js";
