/**
 * protoship's programmatic API. Every command is an async function taking an options object and
 * returning its {@link CommandResult} (`exitCode` 0 clean or 1 findings, `output`, the report
 * the CLI prints on stdout, and `notes`, what it prints on stderr): exactly what the CLI runs. A command that cannot run to the end throws
 * a {@link ProtoshipError} (exit 1 for a {@link FindingsError}, else 2; {@link ConfigError} and
 * {@link EnvironmentError} say whose the mistake is) or, for a bug, an {@link InternalError} (exit 3).
 */
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
export type { StubPackageOnDisk } from "./build/stub-workspace.js";
export { Project, type RepoProject } from "./project/project.js";
export { computePlan, type ReleasePlan, type PackagePlan } from "./release/plan.js";
export { releaseHistory, type PackageHistory, type ReleasedVersion } from "./release/history.js";
export type { SchemaChange, ChangeKind } from "./release/classify.js";
export { ExitCode, ProtoshipError, FindingsError, ConfigError, EnvironmentError, InternalError } from "./errors.js";
export { loadConfig, parseConfigText } from "./config/load-config.js";
export type { ProtoshipConfig } from "./config/schema.js";
