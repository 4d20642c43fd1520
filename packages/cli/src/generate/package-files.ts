import type { DescriptorProto, MethodDescriptorProto, ServiceDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { ProtoPackageUnit } from "../schema/proto-packages.js";
import { STUB_TOOLCHAIN } from "./stub-toolchain.js";
import { type StubManifest, stubPackageJson } from "./stub-package-json.js";

/** Everything a stub package needs to know about itself and its neighbours. */
export interface PackageInput extends StubManifest {
  /** npm name → version range of the stub packages it imports. */
  dependencies: Record<string, string>;
  tsProtoVersion: string;
}

/**
 * package.json: ESM and CommonJS builds, each with its own declarations, chosen by the `exports`
 * conditions; `main`/`types` for tools that predate `exports`. The build emits dist/cjs with a
 * `{"type":"commonjs"}` package.json so Node reads those .js files as CommonJS.
 *
 * The build type-checks once: `tsc -p tsconfig.json` checks the sources and emits the ESM build
 * with declarations; the declarations are copied into dist/cjs (they are the same for both
 * formats), and tsconfig.cjs.json only rewrites the modules as CommonJS, with no type-check and no
 * import resolution ({@link BUILD_SCRIPT}).
 */
export function packageJson(input: PackageInput): string {
  return stubPackageJson(input, {
    description: `TypeScript types and @grpc/grpc-js stubs for the ${input.unit.protoPackage} protobuf package.`,
    keywords: ["protobuf", "grpc", input.unit.protoPackage],
    outPrefix: "./dist/",
    files: ["dist"],
    build: BUILD_SCRIPT,
    dependencies: { "@bufbuild/protobuf": STUB_TOOLCHAIN.protobuf.range, ...input.dependencies },
    peerDependencies: { "@grpc/grpc-js": STUB_TOOLCHAIN.grpc.range },
    // Everything the build needs, so the package builds on its own; the ranges are those of the
    // root devDependencies `protoship init` writes, so a workspace shares one copy of each.
    devDependencies: {
      "@grpc/grpc-js": STUB_TOOLCHAIN.grpc.range,
      "@types/node": STUB_TOOLCHAIN.typesNode.range,
      typescript: STUB_TOOLCHAIN.typescript.range,
    },
  });
}

/**
 * tsconfig.json: the ESM build, type-checked strictly. `types: ["node"]` names what TypeScript 5
 * included by default and TypeScript 7 no longer does (`bytes` fields are Node's Buffer).
 */
export function tsconfigEsm(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
      strict: true,
      declaration: true,
      skipLibCheck: true,
      esModuleInterop: true,
      isolatedModules: true,
      rootDir: "src",
      outDir: "dist/esm",
    },
    include: ["src"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * A stub package's `build` script (a POSIX shell line, as npm and pnpm run it): one type-check.
 * `tsc -p tsconfig.json` checks the sources and writes dist/esm with declarations; `cp -R` gives
 * dist/cjs the same declarations (TypeScript writes the same .d.ts for both formats); then
 * tsconfig.cjs.json rewrites the sources as CommonJS into dist/cjs, over the copied ESM .js files,
 * without checking them again ({@link tsconfigCjs}).
 */
export const BUILD_SCRIPT = `rm -rf dist && tsc -p tsconfig.json && cp -R dist/esm dist/cjs && tsc -p tsconfig.cjs.json && echo '{"type":"commonjs"}' > dist/cjs/package.json`;

/**
 * tsconfig.cjs.json: the same sources as CommonJS (as @bufbuild/protobuf builds its own CJS
 * output), emitted file by file: `noCheck` skips the type-check the ESM build already did,
 * `noResolve` and `types: []` keep imports and @types out of the program (with `isolatedModules`,
 * each file's CommonJS does not depend on them), so it costs a parse and an emit of the package's
 * own files. Standalone, not extending tsconfig.json: CommonJS output cannot use NodeNext
 * resolution, and the only other resolution TypeScript 5.9 allows with it, Node10, is gone in
 * TypeScript 7; left unset, each version picks its default, which `noResolve` never consults.
 */
export function tsconfigCjs(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "CommonJS",
      strict: true,
      esModuleInterop: true,
      isolatedModules: true,
      skipLibCheck: true,
      noCheck: true,
      noResolve: true,
      types: [],
      rootDir: "src",
      outDir: "dist/cjs",
    },
    include: ["src"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * turbo.json: `build` (after the packages it imports: `^build`) and `test` are keyed only on the
 * package's own tracked files (its generated `src/**`, tsconfigs, package.json), so a change to one
 * proto package rebuilds only it and its importers, and a build done on one machine is a remote
 * cache hit on every other. Nothing in it names the repository protoship was built in.
 */
export function turboJson(): string {
  // No `generate` task before `build`: one `protoship generate` run (incremental, parallel, or one
  // `--shard` of a matrix) writes every package before turbo runs, and the generated sources are
  // committed. A per-package task running `protoship generate --only <pkg>` would compile the whole
  // module once per package on a cold cache: hundreds of full compiles on a large API.
  const config = {
    extends: ["//"],
    tasks: {
      build: {
        dependsOn: ["^build"],
        inputs: ["src/**", "tsconfig.json", "tsconfig.cjs.json", "package.json"],
        outputs: ["dist/**"],
      },
      test: {
        dependsOn: ["build"],
        inputs: ["src/**", "test/**", "tsconfig.json", "tsconfig.cjs.json", "package.json"],
        outputs: [],
      },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** A smoke test run by the package's `test` script: both builds load and agree, messages round-trip. */
export function smokeTest(): string {
  return `// Generated by protoship generate. DO NOT EDIT.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import * as esm from "../dist/esm/index.js";

const cjs = createRequire(import.meta.url)("../dist/cjs/index.js");

test("the ESM and CommonJS builds export the same names", () => {
  assert.ok(Object.keys(esm).length > 0);
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
});

test("every message round-trips through the wire format", () => {
  for (const [name, value] of Object.entries(esm)) {
    if (typeof value?.encode !== "function" || typeof value?.fromPartial !== "function") continue;
    const message = value.fromPartial({});
    assert.deepEqual(value.decode(value.encode(message).finish()), message, name);
  }
});
`;
}

/**
 * README.md: how to install, implement the server and call the client. Only identifiers from the
 * schema appear in it (proto grammar restricts them to [A-Za-z0-9_.]), never comments.
 */
export function readme(input: PackageInput): string {
  const { unit } = input;
  const services = unit.files.flatMap((f) => f.service.map((s) => ({ file: f, service: s })));
  const firstMessage = unit.files.flatMap((f) => f.messageType)[0];
  const parts = [
    `# ${unit.npmName}`,
    "",
    `TypeScript types and [@grpc/grpc-js](https://www.npmjs.com/package/@grpc/grpc-js) client and server stubs for the \`${unit.protoPackage}\` protobuf package, generated by [protoship](https://www.npmjs.com/package/protoship) with ts-proto ${input.tsProtoVersion}. Do not edit: change the .proto files and regenerate.`,
    "",
    "```sh",
    `npm install ${unit.npmName} @grpc/grpc-js`,
    "```",
    "",
    "The package ships ESM and CommonJS builds with their own type declarations. 64-bit integer fields are `bigint`, so no precision is lost; `google.protobuf.Timestamp` fields are `Date`.",
  ];
  const deps = Object.keys(input.dependencies);
  if (deps.length)
    parts.push("", `Types from other protobuf packages come from their own stub packages: ${deps.map((d) => `\`${d}\``).join(", ")}.`);
  if (firstMessage) parts.push("", ...messageExample(unit, firstMessage));
  const first = services[0];
  if (first) parts.push("", ...serverExample(unit, first.service), "", ...clientExample(unit, first.service));
  if (services.length > 1) {
    parts.push(
      "",
      "Other services in this package, used the same way:",
      "",
      ...services
        .slice(1)
        .map(({ service }) => `- \`${service.name}\`: \`${service.name}Service\`, \`${service.name}Server\`, \`${service.name}Client\``),
    );
  }
  return `${parts.join("\n")}\n`;
}

function messageExample(unit: ProtoPackageUnit, message: DescriptorProto): string[] {
  return [
    "## Messages",
    "",
    "Each message is an interface plus a value of the same name with `encode`, `decode`, `fromPartial`, `fromJSON` and `toJSON`:",
    "",
    "```ts",
    `import { ${message.name} } from "${unit.npmName}";`,
    "",
    `const bytes = ${message.name}.encode(${message.name}.fromPartial({})).finish();`,
    `const decoded = ${message.name}.decode(bytes);`,
    `console.log(${message.name}.toJSON(decoded));`,
    "```",
  ];
}

function serverExample(unit: ProtoPackageUnit, service: ServiceDescriptorProto): string[] {
  const imports = new Set<string>();
  const body: string[] = [];
  for (const method of service.method) {
    const out = messageRef(unit, method.outputType, imports);
    const name = lowerFirst(method.name);
    if (method.serverStreaming && method.clientStreaming) {
      body.push(`  ${name}(call) {`, `    call.on("data", () => call.write(${out}));`, `    call.on("end", () => call.end());`, "  },");
    } else if (method.serverStreaming) {
      body.push(`  ${name}(call) {`, `    call.write(${out});`, "    call.end();", "  },");
    } else if (method.clientStreaming) {
      body.push(
        `  ${name}(call, callback) {`,
        `    call.on("data", () => {});`,
        `    call.on("end", () => callback(null, ${out}));`,
        "  },",
      );
    } else {
      body.push(`  ${name}(call, callback) {`, `    callback(null, ${out});`, "  },");
    }
  }
  return [
    "## Implement the server",
    "",
    "```ts",
    `import { Server, ServerCredentials } from "@grpc/grpc-js";`,
    `import { ${service.name}Service, type ${service.name}Server${[...imports]
      .sort()
      .map((i) => `, ${i}`)
      .join("")} } from "${unit.npmName}";`,
    "",
    `const implementation: ${service.name}Server = {`,
    ...body,
    "};",
    "",
    "const server = new Server();",
    `server.addService(${service.name}Service, implementation);`,
    `server.bindAsync("127.0.0.1:50051", ServerCredentials.createInsecure(), (error) => {`,
    "  if (error) throw error;",
    "});",
    "```",
  ];
}

function clientExample(unit: ProtoPackageUnit, service: ServiceDescriptorProto): string[] {
  const imports = new Set<string>();
  const body: string[] = [];
  const deadline = "{ deadline: Date.now() + 5_000 }";
  for (const method of service.method) {
    const input = messageRef(unit, method.inputType, imports);
    const name = lowerFirst(method.name);
    body.push("", ...clientCall(method, name, input, deadline));
  }
  return [
    "## Call it",
    "",
    "```ts",
    `import { credentials, Metadata${service.method.some((m) => m.serverStreaming && !m.clientStreaming) ? ", type ServiceError" : ""} } from "@grpc/grpc-js";`,
    `import { ${service.name}Client${[...imports]
      .sort()
      .map((i) => `, ${i}`)
      .join("")} } from "${unit.npmName}";`,
    "",
    `const client = new ${service.name}Client("127.0.0.1:50051", credentials.createInsecure());`,
    ...body,
    "```",
  ];
}

function clientCall(method: MethodDescriptorProto, name: string, input: string, deadline: string): string[] {
  if (method.serverStreaming && method.clientStreaming) {
    return [
      `const ${name}Stream = client.${name}(new Metadata(), ${deadline});`,
      `${name}Stream.on("data", (message) => console.log(message));`,
      `${name}Stream.write(${input});`,
      `${name}Stream.end();`,
    ];
  }
  if (method.serverStreaming) {
    return [
      `const ${name}Stream = client.${name}(${input}, new Metadata(), ${deadline});`,
      `${name}Stream.on("data", (message) => console.log(message));`,
      `${name}Stream.on("error", (error: ServiceError) => console.error(error.code, error.details));`,
    ];
  }
  if (method.clientStreaming) {
    return [
      `const ${name}Call = client.${name}(new Metadata(), ${deadline}, (error, response) => console.log(error ?? response));`,
      `${name}Call.write(${input});`,
      `${name}Call.end();`,
    ];
  }
  return [
    `client.${name}(${input}, new Metadata(), ${deadline}, (error, response) => {`,
    "  if (error) console.error(error.code, error.details);",
    "  else console.log(response);",
    "});",
  ];
}

/** `X.fromPartial({})` for a message of this package; a plain object literal otherwise. */
function messageRef(unit: ProtoPackageUnit, typeName: string, imports: Set<string>): string {
  const prefix = `.${unit.protoPackage}.`;
  if (typeName.startsWith(prefix)) {
    const name = typeName.slice(prefix.length).replace(/\./g, "_");
    imports.add(name);
    return `${name}.fromPartial({})`;
  }
  return `{} /* ${typeName.slice(1)} */`;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
