import { GitFixture } from "@protoship/testkit";
import { GitRepo } from "../src/git/git.ts";
import { Project } from "../src/project/project.ts";
import { computePlan, type ReleasePlan } from "../src/release/plan.ts";

/** buf.yaml with the given breaking rules (buf's default is FILE). */
export const bufYaml = (rules = "FILE"): string => `version: v2
modules:
  - path: proto
breaking:
  use: [${rules}]
`;

/** npm names come out as @shop/<package-with-dashes>. */
export const PROTOSHIP_YAML = `stubs:
  scope: "@shop"
`;

export const ORDER = "shop/order/v1/order.proto";

/** A small package with one of everything: service, RPCs, messages, nested types, an enum. */
export const ORDER_V1 = `syntax = "proto3";

// Orders of the shop.
package shop.order.v1;

// Looks orders up.
service OrderService {
  // Gets one order.
  rpc GetOrder(GetOrderRequest) returns (GetOrderResponse);
  // The old lookup.
  rpc Legacy(GetOrderRequest) returns (GetOrderResponse);
}

// Asks for one order.
message GetOrderRequest {
  // The order's id.
  string id = 1;
}

// The order asked for.
message GetOrderResponse {
  // The order.
  Order order = 1;
}

// An order.
message Order {
  // The id.
  string id = 1;
  // How many items.
  int32 quantity = 2;
  // Where the order is.
  Status status = 3;
  // One line of the order.
  message Line {
    // The product.
    string sku = 1;
  }
  // The lines.
  repeated Line lines = 4;
}

// Where an order is.
enum Status {
  // Unknown.
  STATUS_UNSPECIFIED = 0;
  // Open.
  STATUS_OPEN = 1;
  // Shipped.
  STATUS_SHIPPED = 2;
}
`;

/** A second package that imports nothing. */
export const BILLING = "shop/billing/v1/invoice.proto";
export const BILLING_V1 = `syntax = "proto3";

package shop.billing.v1;

// An invoice.
message Invoice {
  // The id.
  string id = 1;
}
`;

/** A shared package imported by order (see ORDER_WITH_COMMON). */
export const COMMON = "shop/common/v1/money.proto";
export const COMMON_V1 = `syntax = "proto3";

package shop.common.v1;

// An amount of money.
message Money {
  // ISO 4217 code.
  string currency = 1;
  // Amount in cents.
  int64 cents = 2;
}
`;

export const ORDER_WITH_COMMON = ORDER_V1.replace(
  "package shop.order.v1;\n",
  'package shop.order.v1;\n\nimport "shop/common/v1/money.proto";\n',
).replace("  repeated Line lines = 4;\n", "  repeated Line lines = 4;\n  // The total.\n  shop.common.v1.Money total = 5;\n");

/** Writes files (relative to proto/; null deletes) and commits them; returns the commit. */
export async function writeProtos(repo: GitFixture, files: Record<string, string | null>, message: string): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    if (content === null) await repo.remove(`proto/${file}`);
    else await repo.write(`proto/${file}`, content);
  }
  return repo.commitAll(message);
}

/** A repository with buf.yaml, protoship.yaml and the given protos committed on main. */
export async function protoRepo(dir: string, files: Record<string, string>, rules = "FILE"): Promise<GitFixture> {
  const repo = await GitFixture.init(dir);
  await repo.write("buf.yaml", bufYaml(rules));
  await repo.write("protoship.yaml", PROTOSHIP_YAML);
  await writeProtos(repo, files, "initial API");
  return repo;
}

/** Creates an annotated release tag at HEAD by hand (as an earlier release would have). */
export async function tagRelease(repo: GitFixture, name: string, version: string, changelog = ["first release"]): Promise<void> {
  await repo.git("tag", "-a", "-m", `${name} ${version}\n\n${changelog.map((l) => `- ${l}`).join("\n")}\n`, `${name}@${version}`);
}

/** Runs the planner in-process on a repository, as `release plan` does: with HEAD's protoship.yaml. */
export async function planOf(dir: string): Promise<ReleasePlan> {
  return computePlan(await Project.atHead(await GitRepo.open(dir)));
}

/** A bare remote and a clone of it holding the order package on main, pushed. */
export async function releaseSetup(
  dir: string,
  files: Record<string, string> = { [ORDER]: ORDER_V1 },
): Promise<{ remote: GitFixture; repo: GitFixture }> {
  const remote = await GitFixture.init(`${dir}/remote.git`, { bare: true });
  const repo = await protoRepo(`${dir}/work`, files);
  await repo.git("remote", "add", "origin", remote.dir);
  await repo.git("push", "-q", "-u", "origin", "main");
  return { remote, repo };
}

/** Tag name → commit it points at (peeled), in any repository, bare or not. */
export async function tagsOf(repo: GitFixture): Promise<Record<string, string>> {
  const out = await repo.git("for-each-ref", "--format=%(refname:strip=2) %(objecttype) %(objectname) %(*objectname)", "refs/tags/");
  const tags: Record<string, string> = {};
  for (const line of out.split("\n").filter(Boolean)) {
    const [name, type, object, peeled] = line.split(" ");
    tags[name!] = type === "tag" ? peeled! : object!;
  }
  return tags;
}
