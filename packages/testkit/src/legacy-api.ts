import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Where an existing API keeps its protos: `root`, at the repository root beside its own root
 * `buf.yaml` (`version: v2`, no modules, no excludes: googleapis' and Envoy's layout); `proto`,
 * under `proto/` with no buf configuration at all.
 */
export type LegacyLayout = "root" | "proto";

/** The proto packages of {@link writeLegacyApi}, with the npm names they get under the @acme scope. */
export const LEGACY_PACKAGES = ["@acme/billing-v1", "@acme/common-v1", "@acme/orders-v1"] as const;

/**
 * An API that exists and was never written to buf's STANDARD lint: three proto packages that import
 * each other (billing → orders → common), with lint debt (enum values without their prefix or a
 * zero value named UNSPECIFIED, camelCase fields, an RPC answering with a shared message) and
 * format debt (spacing buf format rewrites). Returns the folder of the protos, relative to `dir`.
 */
export async function writeLegacyApi(dir: string, layout: LegacyLayout): Promise<string> {
  const protoRoot = layout === "root" ? "" : "proto";
  const files: Record<string, string> = {
    "acme/common/v1/money.proto": COMMON,
    "acme/orders/v1/orders.proto": ORDERS,
    "acme/billing/v1/billing.proto": BILLING,
  };
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, protoRoot, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  if (layout === "root") await writeFile(path.join(dir, "buf.yaml"), "version: v2\n");
  return protoRoot;
}

const COMMON = `syntax = "proto3";

package acme.common.v1;

// How far an order has come.
enum Status {
  UNKNOWN = 0;
  OPEN = 1;
  PAID = 2;
}

// An amount of money.
message Money {
  string currencyCode = 1;
  int64 units = 2;
}
`;

const ORDERS = `syntax = "proto3";

package acme.orders.v1;

import "acme/common/v1/money.proto";

// An order.
message   Order{
  string id = 1;
  acme.common.v1.Money total = 2;
  acme.common.v1.Status status = 3;
}

message GetOrderRequest {
  string orderId = 1;
}

// Reads orders.
service Orders {
  // Returns one order.
  rpc GetOrder(GetOrderRequest) returns (Order);
}
`;

const BILLING = `syntax = "proto3";

package acme.billing.v1;

import "acme/common/v1/money.proto";
import "acme/orders/v1/orders.proto";

// An invoice for an order.
message Invoice {
  string id = 1;
  acme.orders.v1.Order order = 2;
  acme.common.v1.Money   amount = 3;
}
`;
