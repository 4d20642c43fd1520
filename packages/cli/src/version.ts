import { createRequire } from "node:module";

/** protoship's own version, from its package.json. */
export function protoshipVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("../package.json") as { version: string }).version;
}
