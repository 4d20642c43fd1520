import { z } from "zod";

/** A `lint` or `breaking` section: the rule lists are checked, the rest is buf's business. */
const rulesSection = z.looseObject({
  use: z.array(z.string()).optional(),
  except: z.array(z.string()).optional(),
  ignore: z.array(z.string()).optional(),
});

/**
 * The keys of buf.yaml protoship reads (buf.build/docs/configuration/v2/buf-yaml and v1), so a
 * wrong type is an error with `file:line:col` rather than a crash. Unknown keys are tolerated:
 * buf's format evolves and buf validates its own file when it runs.
 */
export const bufYamlSchema = z.looseObject({
  version: z.enum(["v2", "v1", "v1beta1"], "expected v2 or v1"),
  modules: z
    .array(
      z.looseObject({
        path: z.string().optional(),
        excludes: z.array(z.string()).optional(),
        lint: rulesSection.optional(),
        breaking: rulesSection.optional(),
      }),
    )
    .optional(),
  lint: rulesSection.optional(),
  breaking: rulesSection.optional(),
  build: z.looseObject({ excludes: z.array(z.string()).optional() }).optional(),
});
