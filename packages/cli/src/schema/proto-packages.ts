import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { ProtoshipConfig } from "../config/schema.js";
import { scopeNotSetError } from "../config/stub-scope.js";

/**
 * A releasable unit: one proto package of the module. Stub packages, release tags and versions
 * are all per unit.
 */
export interface ProtoPackageUnit<F extends UnitFile = FileDescriptorProto> {
  /** The proto package, e.g. "mesh.probe.v1". */
  protoPackage: string;
  /** The npm package name, e.g. "@mesh/probe-v1". */
  npmName: string;
  /** The module's files in this package. */
  files: F[];
  /** Other units of the module this one imports (by proto package), sorted. */
  dependsOn: string[];
}

/** What grouping files into units reads of a file: a FileDescriptorProto, or what is known of it without one. */
export interface UnitFile {
  /** Module-relative name, as images name files. */
  name: string;
  package: string;
  /** Module-relative names of the files it imports. */
  dependency: readonly string[];
}

/**
 * The npm name of a proto package: from config, else `<scope>/<package-with-dashes>`, leaving out
 * a first segment that repeats the scope (`mesh.probe.v1` in scope `@mesh` is `@mesh/probe-v1`).
 * `scope` is the project's (see resolveStubScope); a name that needs it when there is none is a
 * configuration error (exit 2).
 */
export function npmNameOf(protoPackage: string, config: ProtoshipConfig, scope: string | undefined): string {
  const configured = config.stubs.names[protoPackage];
  if (configured) return configured;
  if (!scope) throw scopeNotSetError();
  const segments = protoPackage.toLowerCase().split(".");
  if (segments.length > 1 && segments[0] === scope.slice(1)) segments.shift();
  return `${scope}/${segments.join("-").replace(/_/g, "-")}`;
}

/**
 * Groups the module's own files (`image.ownFiles`) into units, sorted by proto package; `scope` as
 * for {@link npmNameOf}. `image` is a compiled SchemaImage, or any list of files with their package and imports.
 */
export function protoPackageUnits<F extends UnitFile = FileDescriptorProto>(
  image: { files: readonly F[]; ownFiles: ReadonlySet<string> },
  config: ProtoshipConfig,
  scope: string | undefined,
): ProtoPackageUnit<F>[] {
  const byPackage = new Map<string, F[]>();
  const packageOfFile = new Map<string, string>();
  for (const file of image.files) packageOfFile.set(file.name, file.package);
  for (const file of image.files) {
    if (!image.ownFiles.has(file.name) || config.stubs.exclude.includes(file.package)) continue;
    const list = byPackage.get(file.package) ?? [];
    list.push(file);
    byPackage.set(file.package, list);
  }
  return [...byPackage.keys()].sort().map((protoPackage) => {
    const files = byPackage.get(protoPackage)!;
    const deps = new Set<string>();
    for (const file of files) {
      for (const dep of file.dependency) {
        const pkg = packageOfFile.get(dep);
        if (pkg && pkg !== protoPackage && byPackage.has(pkg)) deps.add(pkg);
      }
    }
    return { protoPackage, npmName: npmNameOf(protoPackage, config, scope), files, dependsOn: [...deps].sort() };
  });
}
