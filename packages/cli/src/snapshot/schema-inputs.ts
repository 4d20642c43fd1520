/**
 * Which paths are schema inputs, as git pathspecs: every .proto anywhere plus any buf
 * configuration file. They need no configuration, so a diff can run before buf.yaml is read.
 */
export const SCHEMA_PATHSPECS: readonly string[] = ["*.proto", ":(glob)**/buf.yaml", ":(glob)**/buf.lock", ":(glob)**/buf.work.yaml"];

/** Whether a repository path matches {@link SCHEMA_PATHSPECS}: a .proto (`*` spans folders) or a buf configuration file at any depth. */
export function isSchemaPath(file: string): boolean {
  const name = file.slice(file.lastIndexOf("/") + 1);
  return name.endsWith(".proto") || name === "buf.yaml" || name === "buf.lock" || name === "buf.work.yaml";
}
