/**
 * Which paths are schema inputs, as git pathspecs: every .proto anywhere plus any buf
 * configuration file. They need no configuration, so a diff can run before buf.yaml is read.
 */
export const SCHEMA_PATHSPECS: readonly string[] = ["*.proto", ":(glob)**/buf.yaml", ":(glob)**/buf.lock", ":(glob)**/buf.work.yaml"];

/** The buf configuration files among {@link SCHEMA_PATHSPECS} (no .proto): what reading buf.yaml may need. */
export const BUF_CONFIG_PATHSPECS: readonly string[] = SCHEMA_PATHSPECS.filter((p) => p !== "*.proto");
