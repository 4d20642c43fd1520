/**
 * protoship's programmatic API, in three groups:
 *
 * - Commands (init, check, docs, generate, generateCheck, generateListShards, releasePlan,
 *   releaseTag, publish, build, ciMatrix): each an async function taking an options object and
 *   returning its {@link CommandResult} (`exitCode` 0 clean or 1 findings, `output`, the report
 *   the CLI prints on stdout, and `notes`, what it prints on stderr): exactly what the CLI runs.
 * - Library functions, which return data instead of a report: {@link generateStubs} (the stub
 *   packages it wrote), {@link buildStubPackagesAt} (builds stub packages in a folder, says what
 *   it built), {@link computePlan} (the next release of every package, given the
 *   {@link Project} of a commit), {@link releaseHistory} (each package's released versions),
 *   {@link loadConfig} and {@link parseConfigText} (a checked protoship.yaml). {@link Project}
 *   is the repository (a working tree, a commit or a plain folder) with its configuration.
 * - The errors every one of them throws when it cannot run to the end: a {@link ProtoshipError}
 *   (exit 1 for a {@link FindingsError}, else 2; {@link ConfigError} and {@link EnvironmentError}
 *   say whose the mistake is) or, for a bug, an {@link InternalError} (exit 3).
 */

// Commands.
export type { CommandResult, Verdict } from "./command-result.js";
export { init, type InitOptions } from "./commands/init.js";
export { check, type CheckOptions } from "./commands/check.js";
export { docs, type DocsOptions } from "./commands/docs.js";
export {
  generate,
  generateCheck,
  generateListShards,
  generateStubs,
  type GenerateOptions,
  type GenerateStubsOptions,
  type GenerateStubsResult,
  type GeneratedPackage,
} from "./commands/generate.js";
export { releasePlan, type ReleasePlanOptions } from "./commands/release-plan.js";
export { releaseTag, type ReleaseTagOptions } from "./commands/release-tag.js";
export { publish, type PublishOptions } from "./commands/publish.js";
export { build, buildStubPackagesAt, type BuildOptions, type BuildStubPackagesAtOptions, type StubBuildResult } from "./commands/build.js";
export { ciMatrix, type CiMatrixOptions } from "./commands/ci-matrix.js";

// Library functions (generateStubs and buildStubPackagesAt are exported with their commands above) and their data.
export type { StubPackageOnDisk } from "./build/stub-workspace.js";
export { Project, type RepoProject } from "./project/project.js";
export { computePlan, type ReleasePlan, type PackagePlan } from "./release/plan.js";
export { releaseHistory, type PackageHistory, type ReleasedVersion } from "./release/history.js";
export type { SchemaChange, ChangeKind } from "./release/classify.js";
export { loadConfig, parseConfigText } from "./config/load-config.js";
export type { ProtoshipConfig } from "./config/schema.js";

// Errors.
export { ExitCode, ProtoshipError, FindingsError, ConfigError, EnvironmentError, InternalError } from "./errors.js";
