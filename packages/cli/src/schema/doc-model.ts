import { create, createFileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { DocModel as SiteDocModel } from "@protoship/docs-site";
import { buildDocModel } from "@protoship/protoc-gen-doc";
import type { SchemaImage } from "./load-image.js";

/** The protoc-gen-doc model of an image's own files (imports left out), in file name order. */
export function docModelOf(image: SchemaImage): ReturnType<typeof buildDocModel> {
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: image.files }));
  const files = [...image.ownFiles].sort().map((name) => registry.getFile(name)!);
  return buildDocModel(files);
}

/**
 * The same model typed as the docs site reads it: the site's types spell empty lists as optional
 * where the JSON has null, so the shapes agree at runtime but not to the letter in TypeScript.
 */
export function siteModelOf(image: SchemaImage): SiteDocModel {
  return docModelOf(image) as unknown as SiteDocModel;
}
