/**
 * The plugin process protoship runs for each protobuf-es batch (see runPluginWorker): protoc-gen-es
 * reading a CodeGeneratorRequest on stdin, run twice on it, and one CodeGeneratorResponse on stdout
 * with both builds of each file ({@link ES_PASSES}): `esm/<file>_pb.js` and `esm/<file>_pb.d.ts`
 * (ES modules), `cjs/<file>_pb.js` (CommonJS, protoc-gen-es's `js_import_style=legacy_commonjs`)
 * and `cjs/<file>_pb.d.ts` (the same declarations, beside the CommonJS file they describe). The
 * request's own parameter is passed to both runs, each adding its target and import style.
 *
 * A program, not a module: importing it starts the plugin.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, CodeGeneratorResponseSchema, type CodeGeneratorResponse } from "@bufbuild/protobuf/wkt";
import { createRequire } from "node:module";
import { buffer } from "node:stream/consumers";
import { ES_PASSES } from "./protobuf-es.js";

interface Plugin {
  run(request: ReturnType<typeof fromBinary<typeof CodeGeneratorRequestSchema>>): CodeGeneratorResponse;
}
const { protocGenEs } = createRequire(import.meta.url)("@bufbuild/protoc-gen-es/dist/cjs/src/protoc-gen-es-plugin.js") as {
  protocGenEs: Plugin;
};

const request = fromBinary(CodeGeneratorRequestSchema, await buffer(process.stdin));
const base = request.parameter;
const out = create(CodeGeneratorResponseSchema, {});
for (const pass of ES_PASSES) {
  const response = protocGenEs.run({ ...request, parameter: [base, ...pass.parameters].filter(Boolean).join(",") });
  if (response.error) {
    out.error = response.error;
    break;
  }
  out.supportedFeatures = response.supportedFeatures;
  for (const file of response.file) {
    for (const folder of pass.folders(file.name)) out.file.push({ ...file, name: `${folder}/${file.name}` });
  }
}
process.stdout.write(toBinary(CodeGeneratorResponseSchema, out));
