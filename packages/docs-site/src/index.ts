/**
 * @protoship/docs-site — a static, searchable API documentation site built from the
 * protoc-gen-doc JSON data model. Call {@link buildSite}.
 */
export { buildSite } from "./build-site.js";
export { DocSiteError } from "./errors.js";
export type {
  BuildPhase,
  BuildSiteOptions,
  BuildSiteResult,
  DocElement,
  DocEnum,
  DocEnumValue,
  DocExtension,
  DocField,
  DocFile,
  DocHttpRule,
  DocMessage,
  DocMethod,
  DocModel,
  DocOneof,
  DocOptions,
  DocScalarValueType,
  DocService,
  DocTypeRef,
  PackageVersions,
  PhaseProgress,
  ReleasedVersion,
  VersionSnapshot,
} from "./model.js";
export type { SearchDocument, SearchKind } from "./search-index.js";
