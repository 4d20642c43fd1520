import { createRequire } from "node:module";

/** The formatter ts-proto's output goes through: dprint-node, as ts-poet loads it. */
const fromTsPoet = createRequire(createRequire(createRequire(import.meta.url).resolve("ts-proto/package.json")).resolve("ts-poet"));
export const dprint = fromTsPoet("dprint-node") as { format(name: string, text: string, options: Record<string, unknown>): string };

/** The options ts-poet formats ts-proto's files with. */
export const TS_POET_OPTIONS = {
  useTabs: false,
  useBraces: "always",
  singleBodyPosition: "nextLine",
  "arrowFunction.useParentheses": "force",
  "module.sortImportDeclarations": "caseSensitive",
  lineWidth: 120,
  preferSingleLine: true,
};
