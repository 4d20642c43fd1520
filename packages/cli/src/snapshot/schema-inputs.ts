/**
 * Which paths are schema inputs, as git pathspecs: every .proto anywhere plus any buf
 * configuration file. They need no configuration, so a diff can run before buf.yaml is read.
 */
export const SCHEMA_PATHSPECS: readonly string[] = ["*.proto", ":(glob)**/buf.yaml", ":(glob)**/buf.lock", ":(glob)**/buf.work.yaml"];
