/**
 * Input types: the JSON data model emitted by protoc-gen-doc (`--doc_opt=json`), as in
 * shared/conformance/protoc-gen-doc/golden/example.json. Deliberately defined here rather than
 * imported from @protoship/protoc-gen-doc so the two packages can evolve independently.
 *
 * Everything in a model comes from proto sources and is UNTRUSTED: names and descriptions are
 * always escaped or rendered as sanitised Markdown. Keys beyond the golden set (oneof groups,
 * map key/value types, `deprecated`, `jsonName`, ...) are optional and used when present.
 */

/** Options attached to an element, keyed by option name (e.g. `deprecated`, `google.api.http`). */
export type DocOptions = Record<string, unknown>;

/** Properties shared by every documented element. */
export interface DocElement {
  name: string;
  description?: string;
  options?: DocOptions;
  /** Additive key some generators emit instead of (or besides) `options.deprecated`. */
  deprecated?: boolean;
}

/** A message field. `type` is the short name, `fullType` the fully-qualified one. */
export interface DocField extends DocElement {
  /** `""`, `"optional"`, `"required"` or `"repeated"`. */
  label?: string;
  type: string;
  longType?: string;
  fullType?: string;
  ismap?: boolean;
  isoneof?: boolean;
  /** Name of the oneof this field belongs to (empty when not in a oneof). */
  oneofdecl?: string;
  defaultValue?: string;
  /** Optional extra key: the field number. */
  number?: number | string;
  /** Optional extra key: the JSON name (camelCase by default). */
  jsonName?: string;
  /** Optional extra key: true when `json_name` is set explicitly in the .proto. */
  hasCustomJsonName?: boolean;
  /** Optional extra keys: key/value types of a map field (else the map entry message is used). */
  mapKey?: DocTypeRef;
  mapValue?: DocTypeRef;
}

/** A type reference in protoc-gen-doc's three spellings (short, package-relative, full). */
export interface DocTypeRef {
  type: string;
  longType?: string;
  fullType?: string;
}

/** An extension field declared in a file or message. */
export interface DocExtension extends DocElement {
  longName?: string;
  fullName?: string;
  label?: string;
  type: string;
  longType?: string;
  fullType?: string;
  number?: number | string;
  defaultValue?: string;
  containingType?: string;
  containingLongType?: string;
  containingFullType?: string;
}

/** A oneof group (optional extra key on messages). */
export interface DocOneof {
  name: string;
  description?: string;
  /** Names of the member fields. */
  fields?: string[];
}

/** A message. `longName` is relative to the package (`Outer.Inner`), `fullName` absolute. */
export interface DocMessage extends DocElement {
  longName?: string;
  fullName: string;
  hasExtensions?: boolean;
  hasFields?: boolean;
  hasOneofs?: boolean;
  extensions?: DocExtension[];
  fields?: DocField[];
  oneofs?: DocOneof[];
  /** Optional extra key: true for the synthetic `XxxEntry` message of a map field (not listed). */
  isMapEntry?: boolean;
}

/** A value of an enum. `number` is a string in protoc-gen-doc's output. */
export interface DocEnumValue extends DocElement {
  number: string | number;
}

/** An enum type. */
export interface DocEnum extends DocElement {
  longName?: string;
  fullName: string;
  values?: DocEnumValue[];
}

/** One HTTP binding rule from the `google.api.http` option. */
export interface DocHttpRule {
  method: string;
  pattern: string;
  body?: string;
  responseBody?: string;
}

/** An RPC of a service. */
export interface DocMethod extends DocElement {
  requestType: string;
  requestLongType?: string;
  requestFullType?: string;
  requestStreaming?: boolean;
  responseType: string;
  responseLongType?: string;
  responseFullType?: string;
  responseStreaming?: boolean;
}

/** A service. */
export interface DocService extends DocElement {
  longName?: string;
  fullName: string;
  methods?: DocMethod[];
}

/** One `.proto` file. Files sharing a `package` are documented on one page. */
export interface DocFile extends DocElement {
  package: string;
  hasEnums?: boolean;
  hasExtensions?: boolean;
  hasMessages?: boolean;
  hasServices?: boolean;
  enums?: DocEnum[];
  extensions?: DocExtension[];
  messages?: DocMessage[];
  services?: DocService[];
  /** Optional extra key: `proto2`, `proto3` or `editions`. */
  syntax?: string;
  /** Optional extra key: the edition (e.g. `2023`) of an editions file. */
  edition?: string;
  /**
   * Optional extra key: the comment on the file's `package` statement. The package is described
   * by the first file, in file-name order, that has one.
   */
  packageDescription?: string;
}

/** Mapping of a proto scalar type to language types (shown on the index page). */
export interface DocScalarValueType {
  protoType: string;
  notes?: string;
  cppType?: string;
  csType?: string;
  goType?: string;
  javaType?: string;
  phpType?: string;
  pythonType?: string;
  rubyType?: string;
}

/** The whole protoc-gen-doc JSON document. */
export interface DocModel {
  files: DocFile[];
  scalarValueTypes?: DocScalarValueType[];
}

/** One released version of a package and what changed in it. */
export interface ReleasedVersion {
  /** Version string, e.g. `1.4.0`. */
  version: string;
  /** Release date (ISO 8601 recommended, shown as given). */
  date?: string;
  /** Changelog entries; each line is rendered as inline Markdown (untrusted, sanitised). */
  changelog: string[];
  /**
   * The schema as released, for a page of this version's docs (`v/<package>/<version>.html`).
   * Without it the switcher links to the changelog entry.
   */
  snapshot?: VersionSnapshot;
}

/** The schema of one release, e.g. compiled from the release tag's commit. */
export interface VersionSnapshot {
  /**
   * The commit the release tag points to. A page rendered for the same commit by a previous build
   * in the output directory is reused, and `model` is not called.
   */
  commit: string;
  /** Loads the model at that commit. Return the same function for versions sharing a commit: it is called once. */
  model: () => Promise<DocModel | DocModel[]>;
}

/**
 * Release history of one package. `package` is matched against proto package names to place the
 * version switcher on that package's page; any other name (e.g. an npm package) still appears on
 * the changelog page and in the site-wide switcher.
 */
export interface PackageVersions {
  package: string;
  /** Newest first is recommended; rendered in the given order. */
  versions: ReleasedVersion[];
}

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** One model, or several (their files are merged; e.g. one per buf module). */
  model: DocModel | DocModel[];
  /** Output directory. Replaced atomically; its parent must exist. */
  outDir: string;
  /** Site title shown in the header and `<title>`. Default `API Reference`. */
  title?: string;
  /** Release history; adds a changelog page and a version switcher when given and non-empty. */
  versions?: PackageVersions[];
  /**
   * Version the site documents (highlighted in the switcher). Defaults to the first listed
   * version of the relevant package.
   */
  currentVersion?: string;
  /**
   * Where a version in the switcher links to, with `{package}` and `{version}` placeholders
   * (URL-encoded on substitution), relative to the site root, e.g. `../{version}/index.html`
   * for side-by-side versioned sites. Default: the version's entry on the changelog page.
   */
  versionHref?: string;
  /**
   * Reports how far the build is, for a progress display. Called at the start of each long phase
   * with its unit and number of steps: `"release pages"` (each release with a snapshot, its schema
   * compiled and its page rendered, or reused), then `"pages"` (each HTML page written: the count
   * of {@link BuildSiteResult.pages}). The returned `tick` is called after each step, `done` when the
   * phase ends, also when it fails.
   */
  progress?: (unit: BuildPhase, total: number) => PhaseProgress;
}

/** A long phase of {@link buildSite}, named by what it counts. */
export type BuildPhase = "release pages" | "pages";

/** What {@link BuildSiteOptions.progress} returns: told of each step done and of the phase's end. */
export interface PhaseProgress {
  tick(): void;
  done(): void;
}

/** What {@link buildSite} wrote. */
export interface BuildSiteResult {
  /** Absolute output directory. */
  outDir: string;
  /** Site-relative paths of the HTML pages written. */
  pages: string[];
  /** Number of documents in the search index. */
  searchDocuments: number;
  /** Pages of released versions (`v/<package>/<version>.html`, aliases not counted). */
  versionPages: number;
  /** Of those, how many were reused from the previous output (same tag commit) instead of rendered. */
  reusedVersionPages: number;
}
