/**
 * The name of the entry ts-proto-worker.ts adds to ts-proto's response: JSON `{ options, files }`,
 * the files it left unformatted and the options ts-poet would have formatted them with. A NUL in
 * the name: never a generated file's path.
 */
export const DEFERRED_FORMAT = "\0protoship-deferred-format";

/** What the {@link DEFERRED_FORMAT} entry holds. */
export interface DeferredFormat {
  options: Record<string, unknown>;
  files: string[];
}
