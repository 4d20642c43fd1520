import type { ConfigIssue, ConfigSchema } from "../yaml/config-yaml.js";

/** A `lint` or `breaking` section: the rule lists are checked, the rest is buf's business. */
export interface RulesSection {
  use?: string[];
  except?: string[];
  ignore?: string[];
  [key: string]: unknown;
}

/** The keys of buf.yaml protoship reads (v2 and v1); other keys are kept as they are. */
export interface BufYaml {
  version: "v2" | "v1" | "v1beta1";
  modules?: { path?: string; excludes?: string[]; lint?: RulesSection; breaking?: RulesSection; [key: string]: unknown }[];
  lint?: RulesSection;
  breaking?: RulesSection;
  build?: { excludes?: string[]; [key: string]: unknown };
  [key: string]: unknown;
}

/** Checks one value at `path`; returns the first problem, zod-shaped (see ConfigIssue). */
type Check = (value: unknown, path: PropertyKey[]) => ConfigIssue | undefined;

const typeName = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);
const expected = (type: string, value: unknown, path: PropertyKey[]): ConfigIssue => ({
  code: "invalid_type",
  path,
  message: `expected ${type}, received ${typeName(value)}`,
});
const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);
const string: Check = (value, path) => (typeof value === "string" ? undefined : expected("string", value, path));
const arrayOf =
  (item: Check): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return expected("array", value, path);
    for (const [i, v] of value.entries()) {
      const issue = item(v, [...path, i]);
      if (issue) return issue;
    }
    return undefined;
  };
/** An object whose listed keys are checked in order; other keys are allowed (buf validates its own file). */
const looseObject =
  (fields: Record<string, Check>): Check =>
  (value, path) => {
    if (typeName(value) !== "object") return expected("object", value, path);
    for (const [key, check] of Object.entries(fields)) {
      const issue = check((value as Record<string, unknown>)[key], [...path, key]);
      if (issue) return issue;
    }
    return undefined;
  };

const strings = optional(arrayOf(string));
const rulesSection = optional(looseObject({ use: strings, except: strings, ignore: strings }));
const version: Check = (value, path) =>
  value === "v2" || value === "v1" || value === "v1beta1" ? undefined : { code: "invalid_value", path, message: "expected v2 or v1" };

const bufYaml = looseObject({
  version,
  modules: optional(arrayOf(looseObject({ path: optional(string), excludes: strings, lint: rulesSection, breaking: rulesSection }))),
  lint: rulesSection,
  breaking: rulesSection,
  build: optional(looseObject({ excludes: strings })),
});

/**
 * The keys of buf.yaml protoship reads (buf.build/docs/configuration/v2/buf-yaml and v1), so a
 * wrong type is an error with `file:line:col` rather than a crash. Unknown keys are tolerated:
 * buf's format evolves and buf validates its own file when it runs. Checked by hand rather than
 * with zod: the pre-push gate reads buf.yaml on every run, and loading zod costs it ~70 ms of CPU.
 */
export const bufYamlSchema: ConfigSchema<BufYaml> = {
  safeParse(data) {
    const issue = bufYaml(data, []);
    return issue ? { success: false, error: { issues: [issue] } } : { success: true, data: data as BufYaml };
  },
};
