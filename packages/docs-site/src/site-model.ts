import { RefIndex } from "@protoship/doc-text";
import { DocSiteError } from "./errors.js";
import type {
  DocEnum,
  DocEnumValue,
  DocExtension,
  DocField,
  DocFile,
  DocMessage,
  DocMethod,
  DocModel,
  DocScalarValueType,
  DocService,
} from "./model.js";

/** A message with its arrays guaranteed present. */
export interface NMessage extends DocMessage {
  longName: string;
  fields: DocField[];
  extensions: DocExtension[];
}
/** An enum with its values guaranteed present. */
export interface NEnum extends DocEnum {
  longName: string;
  values: DocEnumValue[];
}
/** A service with its methods guaranteed present. */
export interface NService extends DocService {
  longName: string;
  methods: DocMethod[];
}

/** Everything documented on one package page. */
export interface PackageInfo {
  /** Proto package name ("" for files without a package). */
  name: string;
  /** Human label: the package name, or `(no package)`. */
  label: string;
  /** Site-relative path of the page, e.g. `packages/com.example.html`. */
  page: string;
  /** The package comment: from the first file (by name) whose `package` statement has one; "" if none does. */
  description: string;
  files: DocFile[];
  services: NService[];
  messages: NMessage[];
  enums: NEnum[];
  /** File-level and message-level extensions. */
  extensions: DocExtension[];
}

/** Where a named type is documented. */
export interface TypeTarget {
  kind: "message" | "enum";
  /** Site-relative URL with fragment. */
  href: string;
  pkg: string;
}

/** Normalised, cross-referenced view of one or more protoc-gen-doc models. */
export interface SiteModel {
  packages: PackageInfo[];
  /** Documented types by full name (no leading dot). */
  types: Map<string, TypeTarget>;
  /** Map entry messages (`FooEntry`) by full name; hidden from listings, shown as `map<K, V>`. */
  mapEntries: Map<string, NMessage>;
  scalars: DocScalarValueType[];
  /**
   * Every element with an anchor (types, services, RPCs, fields, enum values) by full name, with
   * site-relative hrefs: resolves comment references (`:ref:`) and well-known types.
   */
  refs: RefIndex;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function list<T>(v: unknown, where: string): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DocSiteError(`invalid doc model: ${where} must be an array`);
  return v as T[];
}

function requireName(v: Record<string, unknown>, where: string): void {
  if (typeof v.name !== "string") throw new DocSiteError(`invalid doc model: ${where}.name must be a string`);
}

/** Strips the leading dot protoc uses for fully-qualified names. */
export function normalizeTypeName(name: string | undefined): string {
  return (name ?? "").replace(/^\./, "");
}

/** Returns true when the element is deprecated (via options or an explicit key). */
export function isDeprecated(el: { deprecated?: boolean; options?: Record<string, unknown> }): boolean {
  const opt = el.options?.deprecated;
  return el.deprecated === true || opt === true || opt === "true";
}

/** Turns a package name into a safe, unique file name. */
function pageSlug(name: string, taken: Set<string>): string {
  let base = name === "" ? "_default" : name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  base = base.slice(0, 120);
  let slug = base;
  for (let i = 2; taken.has(slug.toLowerCase()); i++) slug = `${base}-${i}`;
  taken.add(slug.toLowerCase());
  return slug;
}

function qualify(pkg: string, local: string): string {
  return pkg ? `${pkg}.${local}` : local;
}

/** Validates the raw model(s) and builds the cross-referenced site model. */
export function buildSiteModel(input: DocModel | DocModel[]): SiteModel {
  const models = Array.isArray(input) ? input : [input];
  const byPackage = new Map<string, PackageInfo>();
  const taken = new Set<string>();
  let scalars: DocScalarValueType[] = [];

  models.forEach((model, mi) => {
    if (!isObject(model)) throw new DocSiteError(`invalid doc model #${mi}: expected an object with "files"`);
    const files = list<DocFile>(model.files, `model[${mi}].files`);
    if (scalars.length === 0) scalars = list<DocScalarValueType>(model.scalarValueTypes, `model[${mi}].scalarValueTypes`);
    files.forEach((file, fi) => {
      const where = `files[${fi}]`;
      if (!isObject(file)) throw new DocSiteError(`invalid doc model: ${where} must be an object`);
      requireName(file as unknown as Record<string, unknown>, where);
      const pkgName = typeof file.package === "string" ? file.package : "";
      let pkg = byPackage.get(pkgName);
      if (!pkg) {
        pkg = {
          name: pkgName,
          label: pkgName || "(no package)",
          page: `packages/${pageSlug(pkgName, taken)}.html`,
          description: "",
          files: [],
          services: [],
          messages: [],
          enums: [],
          extensions: [],
        };
        byPackage.set(pkgName, pkg);
      }
      pkg.files.push(file);
      for (const [i, m] of list<DocMessage>(file.messages, `${where}.messages`).entries()) {
        const w = `${where}.messages[${i}]`;
        if (!isObject(m)) throw new DocSiteError(`invalid doc model: ${w} must be an object`);
        requireName(m as unknown as Record<string, unknown>, w);
        const longName = m.longName ?? m.name;
        const msg: NMessage = {
          ...m,
          longName,
          fullName: normalizeTypeName(m.fullName) || qualify(pkgName, longName),
          fields: list<DocField>(m.fields, `${w}.fields`),
          extensions: list<DocExtension>(m.extensions, `${w}.extensions`),
        };
        msg.fields.forEach((f, j) => {
          if (!isObject(f)) throw new DocSiteError(`invalid doc model: ${w}.fields[${j}] must be an object`);
          requireName(f as unknown as Record<string, unknown>, `${w}.fields[${j}]`);
        });
        pkg.messages.push(msg);
        pkg.extensions.push(...msg.extensions);
      }
      for (const [i, e] of list<DocEnum>(file.enums, `${where}.enums`).entries()) {
        const w = `${where}.enums[${i}]`;
        if (!isObject(e)) throw new DocSiteError(`invalid doc model: ${w} must be an object`);
        requireName(e as unknown as Record<string, unknown>, w);
        const longName = e.longName ?? e.name;
        pkg.enums.push({
          ...e,
          longName,
          fullName: normalizeTypeName(e.fullName) || qualify(pkgName, longName),
          values: list<DocEnumValue>(e.values, `${w}.values`),
        });
      }
      for (const [i, s] of list<DocService>(file.services, `${where}.services`).entries()) {
        const w = `${where}.services[${i}]`;
        if (!isObject(s)) throw new DocSiteError(`invalid doc model: ${w} must be an object`);
        requireName(s as unknown as Record<string, unknown>, w);
        const longName = s.longName ?? s.name;
        pkg.services.push({
          ...s,
          longName,
          fullName: normalizeTypeName(s.fullName) || qualify(pkgName, longName),
          methods: list<DocMethod>(s.methods, `${w}.methods`),
        });
      }
      pkg.extensions.push(...list<DocExtension>(file.extensions, `${where}.extensions`));
    });
  });

  const packages = [...byPackage.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const pkg of packages) pkg.description = packageDescription(pkg.files);
  const types = new Map<string, TypeTarget>();
  const messagesByName = new Map<string, NMessage>();
  for (const pkg of packages) {
    for (const m of pkg.messages) {
      types.set(m.fullName, { kind: "message", href: `${pkg.page}#${encodeURIComponent(m.fullName)}`, pkg: pkg.name });
      messagesByName.set(m.fullName, m);
    }
    for (const e of pkg.enums) {
      types.set(e.fullName, { kind: "enum", href: `${pkg.page}#${encodeURIComponent(e.fullName)}`, pkg: pkg.name });
    }
  }

  // Map entry messages are synthetic; show them inline as map<K, V> instead of as messages.
  const mapEntries = new Map<string, NMessage>();
  for (const pkg of packages) {
    for (const m of pkg.messages) {
      if (m.isMapEntry === true) mapEntries.set(m.fullName, m);
      for (const f of m.fields) {
        const entry = f.ismap ? messagesByName.get(normalizeTypeName(f.fullType)) : undefined;
        if (entry) mapEntries.set(entry.fullName, entry);
      }
    }
  }
  for (const pkg of packages) pkg.messages = pkg.messages.filter((m) => !mapEntries.has(m.fullName));

  return { packages, types, mapEntries, scalars, refs: referenceIndex(packages) };
}

/** The package comment of the first file, in file-name order, that has one (deterministic whatever the input order). */
function packageDescription(files: DocFile[]): string {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.map((f) => (typeof f.packageDescription === "string" ? f.packageDescription.trim() : "")).find((d) => d !== "") ?? "";
}

/** Anchors of every documented element, as package-page.ts writes them (`id` = full name). */
function referenceIndex(packages: PackageInfo[]): RefIndex {
  const refs = new RefIndex();
  for (const pkg of packages) {
    const add = (fullName: string) => refs.add(fullName, `${pkg.page}#${encodeURIComponent(fullName)}`);
    for (const m of pkg.messages) {
      add(m.fullName);
      for (const f of m.fields) add(`${m.fullName}.${f.name}`);
    }
    for (const e of pkg.enums) {
      add(e.fullName);
      for (const v of e.values) add(`${e.fullName}.${v.name}`);
    }
    for (const s of pkg.services) {
      add(s.fullName);
      for (const m of s.methods) add(`${s.fullName}.${m.name}`);
    }
  }
  return refs;
}
