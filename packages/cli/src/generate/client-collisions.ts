/** Members of @grpc/grpc-js's `Client` that a generated client interface inherits. */
const CLIENT_MEMBERS = [
  "close",
  "getChannel",
  "waitForReady",
  "makeUnaryRequest",
  "makeClientStreamRequest",
  "makeServerStreamRequest",
  "makeBidiStreamRequest",
];

const CLIENT_INTERFACE = /export interface (\w+) extends Client \{\n([\s\S]*?)\n\}\n/g;

/**
 * ts-proto's client interfaces extend grpc-js's `Client`, so an RPC whose method name is also a
 * `Client` member (`rpc GetChannel` in google.cloud.eventarc.v1 becomes `getChannel`) makes the
 * interface invalid (TS2430). At run time grpc-js puts the RPC on the client's own prototype,
 * shadowing the inherited member, so the interface should say the same: extend `Client` without
 * the shadowed members.
 */
export function fixClientCollisions(source: string): string {
  return source.replace(CLIENT_INTERFACE, (whole, name: string, body: string) => {
    const shadowed = CLIENT_MEMBERS.filter((member) => new RegExp(`^  ${member}\\(`, "m").test(body));
    if (!shadowed.length) return whole;
    return whole.replace(
      `export interface ${name} extends Client {`,
      `export interface ${name} extends Omit<Client, ${shadowed.map((m) => JSON.stringify(m)).join(" | ")}> {`,
    );
  });
}
