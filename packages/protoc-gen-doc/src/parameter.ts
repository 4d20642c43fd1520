/** Output formats this plugin renders. */
export type DocFormat = "json" | "markdown" | "html";

/** Parsed plugin parameter (`--doc_opt` / buf `opt`). */
export interface PluginParameter {
  format: DocFormat;
  /** Output file name (base name only, like Go protoc-gen-doc). */
  outFile: string;
  /** `source_relative`: one output per proto directory, written into that directory. */
  sourceRelative: boolean;
  /** Files whose name matches any of these (unanchored) are left out. */
  excludePatterns: RegExp[];
  /** Show field names in lowerCamelCase (their JSON names). */
  camelCaseFields: boolean;
  /** Keep declaration order instead of sorting messages/enums/services/extensions by long name. */
  declarationOrder: boolean;
  /** Write one output per .proto file (`<proto path without .proto>.<ext of outFile>`). */
  filePerProto: boolean;
}

/** A bad plugin parameter; the message is meant for the user as is. */
export class ParameterError extends Error {
  override readonly name = "ParameterError";
}

const FORMATS: Record<string, DocFormat> = { json: "json", markdown: "markdown", md: "markdown", html: "html" };
const BOOLEAN_OPTIONS = {
  camel_case_fields: "camelCaseFields",
  declaration_order: "declarationOrder",
  file_per_proto: "filePerProto",
} as const;

const SYNTAX =
  "expected <format>,<outfile>[,default|source_relative][:<regexp>,<regexp>...][:<key>=<bool>,...] " + "with format json, markdown or html";

/**
 * Parse a protoc-gen-doc parameter:
 * `<format>,<outfile>[,default|source_relative][:<exclude regexp>,...][:camel_case_fields=true,declaration_order=true,file_per_proto=true]`.
 * An empty parameter means `html,index.html`, as in Go protoc-gen-doc.
 */
export function parseParameter(raw: string): PluginParameter {
  const result: PluginParameter = {
    format: "html",
    outFile: "index.html",
    sourceRelative: false,
    excludePatterns: [],
    camelCaseFields: false,
    declarationOrder: false,
    filePerProto: false,
  };
  // protoc may append a newline-separated tail on some platforms; Go cuts at the first newline too.
  const parts = raw.trim().split(":");
  if (parts.length > 3) {
    throw new ParameterError(`invalid parameter "${raw}": too many ":" sections; ${SYNTAX}`);
  }
  const [fileParams = "", excludes = "", extra = ""] = parts;

  if (excludes !== "") {
    for (const pattern of excludes.split(",")) {
      try {
        result.excludePatterns.push(new RegExp(pattern));
      } catch (err) {
        throw new ParameterError(`invalid exclude pattern "${pattern}": ${(err as Error).message}`);
      }
    }
  }

  if (extra !== "") {
    for (const item of extra.split(",")) {
      const m = /^([a-z_]+)=(true|false)$/.exec(item.trim());
      const key = m?.[1];
      const target =
        key !== undefined && Object.hasOwn(BOOLEAN_OPTIONS, key) ? BOOLEAN_OPTIONS[key as keyof typeof BOOLEAN_OPTIONS] : undefined;
      if (!m || target === undefined) {
        throw new ParameterError(
          `invalid option "${item}" after the second ":"; known options: ${Object.keys(BOOLEAN_OPTIONS)
            .map((k) => `${k}=true|false`)
            .join(", ")}`,
        );
      }
      result[target] = m[2] === "true";
    }
  }

  if (fileParams === "") return result;
  const fields = fileParams.split(",");
  if (fields.length < 2 || fields.length > 3) {
    throw new ParameterError(`invalid parameter "${fileParams}": ${SYNTAX}`);
  }
  const [formatName = "", outFile = "", mode] = fields;
  const format = FORMATS[formatName.toLowerCase()];
  if (format === undefined) {
    const hint = formatName === "docbook" ? "docbook is not supported" : "custom templates are not supported";
    throw new ParameterError(`unknown format "${formatName}" (${hint}); ${SYNTAX}`);
  }
  // Go keeps only the base name of the output file; the directory comes from --doc_out / buf `out`.
  const base = outFile.split(/[\\/]/).pop() ?? "";
  if (base === "" || base === "." || base === "..") {
    throw new ParameterError(`invalid output file name "${outFile}"; ${SYNTAX}`);
  }
  result.format = format;
  result.outFile = base;
  if (mode !== undefined) {
    if (mode === "source_relative") result.sourceRelative = true;
    else if (mode !== "default") {
      throw new ParameterError(`invalid path mode "${mode}": expected "default" or "source_relative"; ${SYNTAX}`);
    }
  }
  return result;
}
