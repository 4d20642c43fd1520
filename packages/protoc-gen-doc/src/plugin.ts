import { create, maximumEdition, minimumEdition } from "@bufbuild/protobuf";
import {
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponse_FileSchema,
  CodeGeneratorResponseSchema,
  type CodeGeneratorRequest,
  type CodeGeneratorResponse,
} from "@bufbuild/protobuf/wkt";
import type { Plugin } from "@bufbuild/protoplugin";
import { buildDocModel } from "./build-model.js";
import type { DocModel } from "./model.js";
import { ParameterError, parseParameter, type DocFormat, type PluginParameter } from "./parameter.js";
import { renderHtml } from "./render-html.js";
import { renderJson } from "./render-json.js";
import { renderMarkdown } from "./render-markdown.js";

/** Version reported by `protoc-gen-doc --version`. */
export const VERSION = "0.1.0";

/** Render a model in one of the output formats. */
export function render(format: DocFormat, model: DocModel): string {
  switch (format) {
    case "json":
      return renderJson(model);
    case "markdown":
      return renderMarkdown(model);
    case "html":
      return renderHtml(model);
  }
}

const DEFAULT_EXT: Record<DocFormat, string> = { json: ".json", markdown: ".md", html: ".html" };

/** Output files for a request: `{ name, content }` pairs (names relative to the output directory). */
export function generateFiles(request: CodeGeneratorRequest, param: PluginParameter): { name: string; content: string }[] {
  const model = buildDocModel(request, {
    excludePatterns: param.excludePatterns,
    camelCaseFields: param.camelCaseFields,
    declarationOrder: param.declarationOrder,
  });
  const groups = new Map<string, DocModel["files"]>();
  const add = (key: string, f: DocModel["files"][number]): void => {
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  };
  for (const f of model.files) {
    if (param.filePerProto) {
      const dot = param.outFile.lastIndexOf(".");
      const ext = dot > 0 ? param.outFile.slice(dot) : DEFAULT_EXT[param.format];
      add(f.name.replace(/\.proto$/, "") + ext, f);
    } else if (param.sourceRelative) {
      const slash = f.name.lastIndexOf("/");
      add((slash >= 0 ? f.name.slice(0, slash + 1) : "") + param.outFile, f);
    } else {
      add(param.outFile, f);
    }
  }
  // Like Go, a request with nothing left to document still writes one (empty) document.
  if (groups.size === 0 && !param.filePerProto) groups.set(param.outFile, []);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, files]) => ({ name, content: render(param.format, { files, scalarValueTypes: model.scalarValueTypes }) }));
}

/** Run the plugin on a request. Bad parameters are reported in `response.error`, as protoc expects. */
export function runPlugin(request: CodeGeneratorRequest): CodeGeneratorResponse {
  const response = create(CodeGeneratorResponseSchema, {
    supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL | CodeGeneratorResponse_Feature.SUPPORTS_EDITIONS),
    minimumEdition,
    maximumEdition,
  });
  let param: PluginParameter;
  try {
    param = parseParameter(request.parameter);
  } catch (err) {
    if (err instanceof ParameterError) {
      response.error = `protoc-gen-doc: ${err.message}`;
      return response;
    }
    throw err;
  }
  response.file = generateFiles(request, param).map((f) => create(CodeGeneratorResponse_FileSchema, f));
  return response;
}

/** The plugin object for `runNodeJs` from @bufbuild/protoplugin. */
export const protocGenDoc: Plugin = { name: "protoc-gen-doc", version: `v${VERSION}`, run: runPlugin };
