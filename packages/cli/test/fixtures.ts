import { GitFixture } from "@protoship/testkit";

/** A small buf module: enough to exercise lint, format and breaking in milliseconds. */
export const BUF_YAML = `version: v2
modules:
  - path: proto
lint:
  use: [STANDARD]
breaking:
  use: [FILE]
`;

export const ORDER_V1 = `syntax = "proto3";

package shop.order.v1;

// An order.
message Order {
  // The id.
  string id = 1;
  // The quantity.
  int32 quantity = 2;
}
`;

export const CUSTOMER_V1 = `syntax = "proto3";

package shop.order.v1;

import "shop/order/v1/order.proto";

// A customer.
message Customer {
  // The customer's last order.
  Order last_order = 1;
}
`;

/**
 * Initialises a repository holding the small module, committed on main. Its package.json name
 * gives the stub scope (no protoship.yaml): `shop.order.v1` is `@acme/shop-order-v1`.
 */
export async function shopRepo(dir: string): Promise<GitFixture> {
  const repo = await GitFixture.init(dir);
  await repo.write("package.json", `${JSON.stringify({ name: "@acme/shop-apis", private: true }, null, 2)}\n`);
  await repo.write("buf.yaml", BUF_YAML);
  await repo.write("proto/shop/order/v1/order.proto", ORDER_V1);
  await repo.write("proto/shop/order/v1/customer.proto", CUSTOMER_V1);
  await repo.commitAll("initial API");
  return repo;
}

/** A breaking change: quantity changes type. */
export const ORDER_BREAKING = ORDER_V1.replace("int32 quantity = 2;", "int64 quantity = 2;");
/** An additive change: a new field. */
export const ORDER_ADDITIVE = ORDER_V1.replace("int32 quantity = 2;\n", "int32 quantity = 2;\n  // A note.\n  string note = 3;\n");

/** Parses `protoship check --format json` output. */
export function findingsOf(stdout: string): { file: string; line: number; column: number; rule: string; step: string; message: string }[] {
  return (JSON.parse(stdout) as { findings: { file: string; line: number; column: number; rule: string; step: string; message: string }[] })
    .findings;
}
