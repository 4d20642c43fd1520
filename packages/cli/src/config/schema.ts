import { z } from "zod";
import { DEFAULTS, MAX_SHARDS } from "./defaults.js";
import { NPM_SCOPE, npmNameProblem } from "./npm-name.js";
import { tagFormatProblem } from "./tag-format.js";
import { repositoryUrl } from "./repository-url.js";

/**
 * protoship.yaml: every key is optional, so a repository with only a buf.yaml works as is.
 * Objects are strict: a misspelt key is an error, not a silently ignored setting.
 */
export const configSchema = z
  .object({
    /** Where the module's buf.yaml lives, relative to the repository root. */
    bufYaml: z.string().max(4096, "a path of at most 4096 characters").default(DEFAULTS.bufYaml),
    check: z
      .object({
        /** Default base ref for `protoship check` when none is given and there is no upstream. */
        defaultBranch: z.string().optional(),
        /** Steps to run. */
        steps: z.array(z.enum(["format", "lint", "breaking"])).default([...DEFAULTS.check.steps]),
        /** Repository-relative files the format step skips until they are formatted (protoship init's baseline). */
        formatBaseline: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    stubs: z
      .object({
        /**
         * npm scope of generated packages, e.g. "@acme". No default: unset, it is the root package.json
         * name's scope (see resolveStubScope), and a command that names npm packages without either is exit 2.
         */
        scope: z.string().regex(NPM_SCOPE, "an npm scope such as @acme").optional(),
        /** Folder the stub packages are written to. */
        outDir: z.string().default(DEFAULTS.stubs.outDir),
        /** npm names per proto package, overriding the default `<scope>/<package-with-dashes>`. */
        names: z
          .record(
            z.string(),
            z.string().superRefine((name, ctx) => {
              const problem = npmNameProblem(name);
              if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(name)} ${problem}` });
            }),
          )
          .default({}),
        /**
         * The repository the stub packages' package.json names (`repository`, which npm needs to
         * publish with provenance), e.g. https://github.com/acme/apis. Default: the release remote's
         * URL. Credentials in it are never written.
         */
        repository: z
          .string()
          .refine((url) => repositoryUrl(url) !== undefined, "a git repository URL such as https://github.com/acme/apis")
          .optional(),
        /**
         * The code generator of every stub package: `ts-proto` (TypeScript built by tsc, @grpc/grpc-js
         * services) or `protobuf-es` (protoc-gen-es 2.x: JavaScript and declarations, no build step;
         * services for @connectrpc/connect). Switching regenerates every package and is a major release.
         */
        generator: z.enum(["ts-proto", "protobuf-es"]).default(DEFAULTS.stubs.generator),
        /** Extra ts-proto options, appended to protoship's defaults (ts-proto only). */
        tsProtoOptions: z.array(z.string()).default([]),
        /** Proto packages not to generate (e.g. third-party ones). */
        exclude: z.array(z.string()).default([]),
        /**
         * Proto packages to generate, as patterns (`*` one segment, `**` any number, e.g.
         * `google.cloud.**`); empty means all. Others the included ones import are copied in.
         */
        include: z.array(z.string()).default([]),
      })
      .strict()
      .superRefine((stubs, ctx) => {
        if (stubs.generator !== "ts-proto" && stubs.tsProtoOptions.length > 0)
          ctx.addIssue({
            code: "custom",
            path: ["tsProtoOptions"],
            message: `ts-proto options do not apply to generator ${stubs.generator}`,
          });
      })
      .prefault({}),
    docs: z
      .object({
        outDir: z.string().default(DEFAULTS.docs.outDir),
        title: z.string().default(DEFAULTS.docs.title),
      })
      .strict()
      .prefault({}),
    release: z
      .object({
        /** The only branch releases are cut from. */
        branch: z.string().default(DEFAULTS.release.branch),
        /** The git remote tags are pushed to. */
        remote: z.string().default(DEFAULTS.release.remote),
        /**
         * Tag name template; {name} is the npm name and {version} the version. Refused unless tags
         * made with it parse back to the same name and version (see tagFormatProblem).
         */
        tagFormat: z
          .string()
          .superRefine((format, ctx) => {
            const problem = tagFormatProblem(format);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          })
          .default(DEFAULTS.release.tagFormat),
        /** npm registry to publish to (default: npm's configured registry). */
        registry: z.string().url().optional(),
        /** npm dist-tag for published versions. */
        distTag: z.string().default(DEFAULTS.release.distTag),
        /** npm access level of published packages (scoped packages are restricted on npm unless public). */
        access: z.enum(["public", "restricted"]).default(DEFAULTS.release.access),
      })
      .strict()
      .prefault({}),
    ci: z
      .object({
        /** The CI workflows split stub generation and builds over `shards` jobs above this many stub packages. */
        shardAbove: z.number().int().min(1).default(DEFAULTS.ci.shardAbove),
        /** How many jobs share the stub packages of a repository over `shardAbove`. */
        shards: z.number().int().min(2).max(MAX_SHARDS).default(DEFAULTS.ci.shards),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** protoship.yaml after defaults are applied. */
export type ProtoshipConfig = z.infer<typeof configSchema>;
