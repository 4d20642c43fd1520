/**
 * protoship's programmatic API: every command is an async function taking an options object and
 * returning the exit code, exactly what the CLI runs.
 */
export { check, type CheckOptions } from "./commands/check.js";
export { releasePlan, type ReleasePlanOptions } from "./commands/release-plan.js";
export { releaseTag, type ReleaseTagOptions } from "./commands/release-tag.js";
export { publish, type PublishOptions } from "./commands/publish.js";
export { build, buildStubPackagesAt, type BuildOptions, type BuildStubPackagesAtOptions, type StubBuildResult } from "./commands/build.js";
export type { StubPackageOnDisk } from "./build/stub-workspace.js";
export { Project, type RepoProject } from "./project/project.js";
export { computePlan, type ReleasePlan, type PackagePlan } from "./release/plan.js";
export { releaseHistory, type PackageHistory, type ReleasedVersion } from "./release/history.js";
export type { SchemaChange, ChangeKind } from "./release/classify.js";
export { ExitCode, ProtoshipError, ConfigError, EnvironmentError, InternalError } from "./errors.js";
export { loadConfig, parseConfigText } from "./config/load-config.js";
export type { ProtoshipConfig } from "./config/schema.js";
