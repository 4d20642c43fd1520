import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { fileElements, type SchemaElement } from "./schema-elements.js";

/** What happened to an element between two revisions. */
export type DiffCategory = "added" | "removed" | "changed" | "options" | "comment";

/**
 * One difference between two revisions of a unit, before buf decides what is breaking. Messages
 * are changelog lines: "added field `deadline` to `mesh.probe.v1.ProbeRequest`".
 */
export interface SchemaDiffEntry {
  category: DiffCategory;
  element: SchemaElement;
  message: string;
  /** Module-relative file the change is reported in. */
  file: string;
  line: number | null;
  /** For an element moved to another file: the file it was in. */
  oldFile?: string;
}

/**
 * Compares the elements of a unit's files at two revisions. Descendants of an added or removed
 * element are not listed again (a new message brings its fields).
 */
export function diffSchemas(base: readonly FileDescriptorProto[], head: readonly FileDescriptorProto[]): SchemaDiffEntry[] {
  const before = indexElements(base);
  const after = indexElements(head);
  const out: SchemaDiffEntry[] = [];
  for (const [key, el] of after) {
    const old = before.get(key);
    if (!old) {
      if (el.parentKey && !before.has(el.parentKey) && after.has(el.parentKey)) continue;
      out.push({ category: "added", element: el, message: `added ${describe(el, "to")}`, file: el.file, line: el.line });
      continue;
    }
    for (const [prop, value] of Object.entries(el.props)) {
      const was = old.props[prop] ?? "";
      if (was === value) continue;
      // A rename changes the default JSON name too; say it once.
      if (prop === "JSON name" && old.props.name !== el.props.name) continue;
      if (prop === "file") {
        out.push({
          category: "changed",
          element: el,
          message: `moved ${el.kind} \`${el.name}\` from \`${was}\` to \`${value}\``,
          file: el.file,
          line: el.line,
          oldFile: was,
        });
        continue;
      }
      const message =
        prop === "name"
          ? `renamed ${el.kind} \`${old.name}\` in \`${el.parent}\` to \`${el.name}\``
          : `changed ${prop} of ${describe(el, "in")} from ${quote(was)} to ${quote(value)}`;
      out.push({ category: "changed", element: el, message, file: el.file, line: el.line });
    }
    const optionNames = [...new Set([...Object.keys(old.options), ...Object.keys(el.options)])]
      .filter((n) => old.options[n] !== el.options[n])
      .sort();
    if (optionNames.length > 0) {
      const names = optionNames.map((n) => `\`${n}\``).join(", ");
      out.push({
        category: "options",
        element: el,
        message: `changed option${optionNames.length > 1 ? "s" : ""} ${names} of ${describe(el, "in")}`,
        file: el.file,
        line: el.line,
      });
    }
    if (old.comments !== el.comments) {
      out.push({
        category: "comment",
        element: el,
        message: `updated documentation of ${describe(el, "in")}`,
        file: el.file,
        line: el.line,
      });
    }
  }
  for (const [key, el] of before) {
    if (after.has(key)) continue;
    if (el.parentKey && !after.has(el.parentKey) && before.has(el.parentKey)) continue;
    // Point at the parent where it still exists: the removed element has no line any more.
    const parent = el.parentKey ? after.get(el.parentKey) : undefined;
    out.push({
      category: "removed",
      element: el,
      message: `removed ${describe(el, "from")}`,
      file: parent?.file ?? el.file,
      line: parent?.line ?? null,
    });
  }
  return out;
}

function indexElements(files: readonly FileDescriptorProto[]): Map<string, SchemaElement> {
  const map = new Map<string, SchemaElement>();
  for (const file of files) for (const el of fileElements(file)) if (!map.has(el.key)) map.set(el.key, el);
  return map;
}

/** "field `deadline` to `mesh.probe.v1.ProbeRequest`", "message `mesh.probe.v1.Probe`". */
function describe(el: SchemaElement, preposition: "to" | "from" | "in"): string {
  switch (el.kind) {
    case "file":
    case "message":
    case "enum":
    case "service":
      return `${el.kind} \`${el.name}\``;
    default:
      return `${el.kind} \`${el.name}\` ${preposition} \`${el.parent}\``;
  }
}

function quote(value: string): string {
  return value === "" ? "(none)" : `\`${value}\``;
}
