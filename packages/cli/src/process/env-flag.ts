/**
 * Whether the environment variable `name` is on: set to anything but "", "0" or "false" (any case),
 * as `PROTOSHIP_DEBUG=1` or the `CI=true` that CI services set.
 */
export function envFlag(name: string): boolean {
  const value = process.env[name];
  return value !== undefined && !["", "0", "false"].includes(value.toLowerCase());
}
