import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, tempDir } from "@protoship/testkit";
import type { ChangeKind } from "../src/release/classify.ts";
import type { Bump } from "../src/release/version-rules.ts";
import {
  BILLING,
  BILLING_V1,
  COMMON,
  COMMON_V1,
  ORDER,
  ORDER_V1,
  ORDER_WITH_COMMON,
  PROTOSHIP_YAML,
  bufYaml,
  planOf,
  protoRepo,
  tagRelease,
  writeProtos,
} from "./release-helpers.ts";

/** Replaces text that must be there, so a scenario cannot silently test nothing. */
function edit(source: string, from: string, to: string): string {
  assert.ok(source.includes(from), `scenario edit: ${JSON.stringify(from)} not found`);
  return source.replace(from, to);
}

const O = "@shop/order-v1";
const B = "@shop/billing-v1";
const C = "@shop/common-v1";

interface Scenario {
  name: string;
  /** buf.yaml breaking rules (default FILE). */
  rules?: string;
  /** Protos at the last release (default: the order package). */
  base?: Record<string, string>;
  /** Versions tagged at the base commit (default: every package at 1.0.0). */
  tags?: Record<string, string>;
  /** Changes committed after the release (null deletes a file). */
  head: Record<string, string | null> | ((repo: GitFixture) => Promise<void>);
  /** npm name → [bump, next]. */
  expect: Record<string, [Bump, string | null]>;
  /** npm name → changelog lines that must be present (exact). */
  lines?: Record<string, string[]>;
  /** npm name → the set of change kinds. */
  kinds?: Record<string, ChangeKind[]>;
}

const EXTRA = "shop/order/v1/extra.proto";
const EXTRA_EMPTY = 'syntax = "proto3";\n\npackage shop.order.v1;\n';
const STATUS_ENUM =
  "// Where an order is.\nenum Status {\n  // Unknown.\n  STATUS_UNSPECIFIED = 0;\n  // Open.\n  STATUS_OPEN = 1;\n  // Shipped.\n  STATUS_SHIPPED = 2;\n}\n";
const EXTRA_WITH_STATUS = `${EXTRA_EMPTY}\n${STATUS_ENUM}`;
const MOVED_ORDER = edit(
  edit(ORDER_V1, `\n${STATUS_ENUM}`, ""),
  "package shop.order.v1;\n",
  `package shop.order.v1;\n\nimport "${EXTRA}";\n`,
);

const SCENARIOS: Scenario[] = [
  // Nothing and documentation.
  { name: "no schema change at all", head: async (r) => void (await r.write("README.md", "hi\n")), expect: { [O]: ["none", null] } },
  {
    name: "formatting only (same comments, other positions)",
    head: { [ORDER]: ORDER_V1.replace(/\n\n/g, "\n\n\n") },
    expect: { [O]: ["none", null] },
  },
  {
    name: "leading comment of a message changed",
    head: { [ORDER]: edit(ORDER_V1, "// An order.", "// An order placed by a customer.") },
    expect: { [O]: ["patch", "1.0.1"] },
    lines: { [O]: ["updated documentation of message `shop.order.v1.Order`"] },
    kinds: { [O]: ["comment"] },
  },
  {
    name: "comment of a field changed",
    head: { [ORDER]: edit(ORDER_V1, "// How many items.", "// How many items, at least 1.") },
    expect: { [O]: ["patch", "1.0.1"] },
    lines: { [O]: ["updated documentation of field `quantity` in `shop.order.v1.Order`"] },
  },
  {
    name: "trailing comment added to an enum value",
    head: { [ORDER]: edit(ORDER_V1, "STATUS_OPEN = 1;", "STATUS_OPEN = 1; // not yet paid") },
    expect: { [O]: ["patch", "1.0.1"] },
  },
  {
    name: "comment of an RPC changed",
    head: { [ORDER]: edit(ORDER_V1, "// Gets one order.", "// Gets one order by id.") },
    expect: { [O]: ["patch", "1.0.1"] },
    lines: { [O]: ["updated documentation of RPC `GetOrder` in `shop.order.v1.OrderService`"] },
  },
  // Additive.
  {
    name: "field added",
    head: {
      [ORDER]: edit(
        ORDER_V1,
        "  repeated Line lines = 4;\n",
        "  repeated Line lines = 4;\n  // When it must arrive.\n  string deadline = 5;\n",
      ),
    },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added field `deadline` to `shop.order.v1.Order`"] },
    kinds: { [O]: ["additive"] },
  },
  {
    name: "message added",
    head: { [ORDER]: `${ORDER_V1}\n// A refund.\nmessage Refund {\n  // The id.\n  string id = 1;\n}\n` },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added message `shop.order.v1.Refund`"] },
  },
  {
    name: "nested message added",
    head: { [ORDER]: edit(ORDER_V1, "  // The lines.\n", "  // A note.\n  message Note {}\n  // The lines.\n") },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added message `shop.order.v1.Order.Note`"] },
  },
  {
    name: "enum added",
    head: { [ORDER]: `${ORDER_V1}\n// Colour.\nenum Colour {\n  // Unknown.\n  COLOUR_UNSPECIFIED = 0;\n}\n` },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added enum `shop.order.v1.Colour`"] },
  },
  {
    name: "enum value added",
    head: { [ORDER]: edit(ORDER_V1, "  STATUS_SHIPPED = 2;\n", "  STATUS_SHIPPED = 2;\n  // Cancelled.\n  STATUS_CANCELLED = 3;\n") },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added enum value `STATUS_CANCELLED` to `shop.order.v1.Status`"] },
  },
  {
    name: "RPC added",
    head: {
      [ORDER]: edit(
        ORDER_V1,
        "  // The old lookup.\n",
        "  // Cancels one order.\n  rpc CancelOrder(GetOrderRequest) returns (GetOrderResponse);\n  // The old lookup.\n",
      ),
    },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added RPC `CancelOrder` to `shop.order.v1.OrderService`"] },
  },
  {
    name: "service added",
    head: {
      [ORDER]: `${ORDER_V1}\n// Admin.\nservice AdminService {\n  // Gets one order.\n  rpc GetOrder(GetOrderRequest) returns (GetOrderResponse);\n}\n`,
    },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added service `shop.order.v1.AdminService`"] },
  },
  {
    name: "file added to the package",
    head: { "shop/order/v1/refund.proto": 'syntax = "proto3";\n\npackage shop.order.v1;\n\n// A refund.\nmessage Refund {}\n' },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["added file `shop/order/v1/refund.proto`"] },
  },
  {
    name: "option that changes generated code (deprecated field)",
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "int32 quantity = 2 [deprecated = true];") },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["changed option `deprecated` of field `quantity` in `shop.order.v1.Order`"] },
    kinds: { [O]: ["change"] },
  },
  // Breaking (FILE rules).
  {
    name: "field removed",
    head: { [ORDER]: edit(ORDER_V1, "  // How many items.\n  int32 quantity = 2;\n", "") },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["removed field `quantity` from `shop.order.v1.Order` (breaking)"] },
    kinds: { [O]: ["breaking"] },
  },
  {
    name: "field removed and its number reserved (still breaking under FILE)",
    head: { [ORDER]: edit(ORDER_V1, "  // How many items.\n  int32 quantity = 2;\n", '  reserved 2;\n  reserved "quantity";\n') },
    expect: { [O]: ["major", "2.0.0"] },
  },
  {
    name: "field type changed",
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "int64 quantity = 2;") },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["changed type of field `quantity` in `shop.order.v1.Order` from `int32` to `int64` (breaking)"] },
  },
  {
    name: "field renamed",
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "int32 count = 2;") },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["renamed field `quantity` in `shop.order.v1.Order` to `count` (breaking)"] },
  },
  {
    name: "field made repeated",
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "repeated int32 quantity = 2;") },
    expect: { [O]: ["major", "2.0.0"] },
  },
  {
    name: "RPC removed",
    head: { [ORDER]: edit(ORDER_V1, "  // The old lookup.\n  rpc Legacy(GetOrderRequest) returns (GetOrderResponse);\n", "") },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["removed RPC `Legacy` from `shop.order.v1.OrderService` (breaking)"] },
  },
  {
    name: "RPC becomes server-streaming",
    head: { [ORDER]: edit(ORDER_V1, "returns (GetOrderResponse);\n  // The old", "returns (stream GetOrderResponse);\n  // The old") },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["changed response streaming of RPC `GetOrder` in `shop.order.v1.OrderService` from `unary` to `stream` (breaking)"] },
  },
  {
    name: "enum value removed",
    head: { [ORDER]: edit(ORDER_V1, "  // Shipped.\n  STATUS_SHIPPED = 2;\n", "") },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["removed enum value `STATUS_SHIPPED` from `shop.order.v1.Status` (breaking)"] },
  },
  {
    name: "nested message removed",
    head: {
      [ORDER]: edit(
        edit(ORDER_V1, "  // One line of the order.\n  message Line {\n    // The product.\n    string sku = 1;\n  }\n", ""),
        "repeated Line lines = 4;",
        "repeated string lines = 4;",
      ),
    },
    expect: { [O]: ["major", "2.0.0"] },
  },
  {
    name: "enum moved to another file of the package (FILE)",
    base: { [ORDER]: ORDER_V1, [EXTRA]: EXTRA_EMPTY },
    head: { [ORDER]: MOVED_ORDER, [EXTRA]: EXTRA_WITH_STATUS },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["moved enum `shop.order.v1.Status` from `shop/order/v1/order.proto` to `shop/order/v1/extra.proto` (breaking)"] },
  },
  {
    name: "file deleted",
    base: { [ORDER]: ORDER_V1, [EXTRA]: EXTRA_EMPTY },
    head: { [EXTRA]: null },
    expect: { [O]: ["major", "2.0.0"] },
    lines: { [O]: ["removed file `shop/order/v1/extra.proto` (breaking)"] },
  },
  {
    name: "breaking, additive and comment changes at once: the most severe wins",
    head: {
      [ORDER]: edit(
        edit(
          edit(ORDER_V1, "  // The old lookup.\n  rpc Legacy(GetOrderRequest) returns (GetOrderResponse);\n", ""),
          "// An order.",
          "// An order, again.",
        ),
        "  STATUS_SHIPPED = 2;\n",
        "  STATUS_SHIPPED = 2;\n  // Lost.\n  STATUS_LOST = 3;\n",
      ),
    },
    expect: { [O]: ["major", "2.0.0"] },
    kinds: { [O]: ["additive", "breaking", "comment"] },
  },
  // Rules from buf.yaml.
  {
    name: "field rename under WIRE rules is not breaking",
    rules: "WIRE",
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "int32 count = 2;") },
    expect: { [O]: ["minor", "1.1.0"] },
    kinds: { [O]: ["change"] },
  },
  {
    name: "field type change under WIRE rules is still breaking",
    rules: "WIRE",
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "string quantity = 2;") },
    expect: { [O]: ["major", "2.0.0"] },
  },
  {
    name: "enum moved between files under PACKAGE rules is a change, not breaking",
    rules: "PACKAGE",
    base: { [ORDER]: ORDER_V1, [EXTRA]: EXTRA_EMPTY },
    head: { [ORDER]: MOVED_ORDER, [EXTRA]: EXTRA_WITH_STATUS },
    expect: { [O]: ["minor", "1.1.0"] },
    lines: { [O]: ["moved enum `shop.order.v1.Status` from `shop/order/v1/order.proto` to `shop/order/v1/extra.proto`"] },
    kinds: { [O]: ["change"] },
  },
  // 0.x and unstable packages.
  {
    name: "0.x: breaking → minor",
    tags: { [O]: "0.3.2" },
    head: { [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "int64 quantity = 2;") },
    expect: { [O]: ["minor", "0.4.0"] },
  },
  {
    name: "0.x: additive → patch",
    tags: { [O]: "0.3.2" },
    head: { [ORDER]: edit(ORDER_V1, "  // Shipped.\n", "  // Lost.\n  STATUS_LOST = 3;\n  // Shipped.\n") },
    expect: { [O]: ["patch", "0.3.3"] },
  },
  {
    name: "0.x: comment → patch",
    tags: { [O]: "0.3.2" },
    head: { [ORDER]: edit(ORDER_V1, "// Open.", "// Open and unpaid.") },
    expect: { [O]: ["patch", "0.3.3"] },
  },
  {
    name: "stable package at 2.3.4: additive → 2.4.0",
    tags: { [O]: "2.3.4" },
    head: { [ORDER]: `${ORDER_V1}\n// A refund.\nmessage Refund {}\n` },
    expect: { [O]: ["minor", "2.4.0"] },
  },
  {
    name: "highest reachable tag wins over older ones",
    tags: { [O]: "1.2.0" },
    head: { [ORDER]: edit(ORDER_V1, "// Open.", "// Open!") },
    expect: { [O]: ["patch", "1.2.1"] },
  },
  {
    name: "first releases: stable 1.0.0, unstable (alpha, beta, test) 0.1.0",
    base: {},
    tags: {},
    head: {
      "shop/cart/v1/cart.proto": 'syntax = "proto3";\n\npackage shop.cart.v1;\n\nmessage Cart {}\n',
      "shop/cart/v1alpha1/cart.proto": 'syntax = "proto3";\n\npackage shop.cart.v1alpha1;\n\nmessage Cart {}\n',
      "shop/cart/v2beta2/cart.proto": 'syntax = "proto3";\n\npackage shop.cart.v2beta2;\n\nmessage Cart {}\n',
      "shop/cart/v1test/cart.proto": 'syntax = "proto3";\n\npackage shop.cart.v1test;\n\nmessage Cart {}\n',
    },
    expect: {
      "@shop/cart-v1": ["major", "1.0.0"],
      "@shop/cart-v1alpha1": ["minor", "0.1.0"],
      "@shop/cart-v2beta2": ["minor", "0.1.0"],
      "@shop/cart-v1test": ["minor", "0.1.0"],
    },
  },
  {
    name: "unstable package at 0.1.0: breaking → 0.2.0",
    base: {
      "shop/cart/v1beta1/cart.proto":
        'syntax = "proto3";\n\npackage shop.cart.v1beta1;\n\n// A cart.\nmessage Cart {\n  // Items.\n  repeated string items = 1;\n}\n',
    },
    head: { "shop/cart/v1beta1/cart.proto": 'syntax = "proto3";\n\npackage shop.cart.v1beta1;\n\n// A cart.\nmessage Cart {}\n' },
    tags: { "@shop/cart-v1beta1": "0.1.0" },
    expect: { "@shop/cart-v1beta1": ["minor", "0.2.0"] },
  },
  // Several packages.
  {
    name: "several packages change at once",
    base: { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 },
    head: {
      [ORDER]: edit(ORDER_V1, "int32 quantity = 2;", "int64 quantity = 2;"),
      [BILLING]: edit(BILLING_V1, "  string id = 1;\n", "  string id = 1;\n  // Paid?\n  bool paid = 2;\n"),
    },
    expect: { [O]: ["major", "2.0.0"], [B]: ["minor", "1.1.0"] },
  },
  {
    name: "one package unchanged while another changes",
    base: { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 },
    head: { [BILLING]: edit(BILLING_V1, "// An invoice.", "// An invoice sent by mail.") },
    expect: { [O]: ["none", null], [B]: ["patch", "1.0.1"] },
    lines: { [O]: [] },
  },
  {
    name: "a new package next to released ones",
    base: { [ORDER]: ORDER_V1 },
    head: { [BILLING]: BILLING_V1 },
    expect: { [O]: ["none", null], [B]: ["major", "1.0.0"] },
  },
  {
    name: "imported package: additive change keeps the importer unchanged",
    base: { [ORDER]: ORDER_WITH_COMMON, [COMMON]: COMMON_V1 },
    head: { [COMMON]: edit(COMMON_V1, "  int64 cents = 2;\n", "  int64 cents = 2;\n  // Rounded?\n  bool rounded = 3;\n") },
    expect: { [C]: ["minor", "1.1.0"], [O]: ["none", null] },
  },
  {
    name: "imported package: a major bump releases the importer with the new dependency",
    base: { [ORDER]: ORDER_WITH_COMMON, [COMMON]: COMMON_V1 },
    head: { [COMMON]: edit(COMMON_V1, "int64 cents = 2;", "int32 cents = 2;") },
    expect: { [C]: ["major", "2.0.0"], [O]: ["patch", "1.0.1"] },
    lines: { [O]: ["updated dependency `@shop/common-v1` to 2.0.0"] },
    kinds: { [O]: ["dependency"] },
  },
  {
    name: "importer changes, imported package does not",
    base: { [ORDER]: ORDER_WITH_COMMON, [COMMON]: COMMON_V1 },
    head: { [ORDER]: edit(ORDER_WITH_COMMON, "// The total.", "// The total, taxes included.") },
    expect: { [C]: ["none", null], [O]: ["patch", "1.0.1"] },
  },
  {
    name: "packages released at different commits are each diffed against their own tag",
    base: { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 },
    tags: { [B]: "1.0.0" },
    head: async (repo) => {
      await writeProtos(repo, { [ORDER]: edit(ORDER_V1, "// Open.", "// Open now.") }, "order docs");
      await tagRelease(repo, O, "1.0.1");
      await writeProtos(
        repo,
        { [ORDER]: edit(ORDER_V1, "// Open.", "// Open now.").replace("int32 quantity = 2;", "int64 quantity = 2;") },
        "order breaks",
      );
    },
    expect: { [O]: ["major", "2.0.0"], [B]: ["none", null] },
  },
  {
    name: "tags not reachable from HEAD are ignored",
    head: async (repo) => {
      await repo.git("checkout", "-q", "-b", "side");
      await writeProtos(repo, { [ORDER]: `${ORDER_V1}\n// X.\nmessage X {}\n` }, "side work");
      await tagRelease(repo, O, "5.0.0");
      await repo.git("checkout", "-q", "main");
      await writeProtos(repo, { [ORDER]: edit(ORDER_V1, "// Open.", "// Opened.") }, "docs");
    },
    expect: { [O]: ["patch", "1.0.1"] },
  },
];

describe("release plan: the schema decides the version", { concurrency: 3 }, () => {
  let tmp: { dir: string; dispose: () => Promise<void> };
  let n = 0;
  before(async () => {
    tmp = await tempDir("protoship-release-plan-");
  });
  after(async () => {
    await tmp.dispose();
  });

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const dir = path.join(tmp.dir, `s${++n}`);
      const repo = await protoRepo(dir, s.base ?? { [ORDER]: ORDER_V1 }, s.rules);
      if (s.tags) {
        for (const [name, version] of Object.entries(s.tags)) await tagRelease(repo, name, version);
      } else {
        for (const p of (await planOf(dir)).packages) await tagRelease(repo, p.name, "1.0.0");
      }
      if (typeof s.head === "function") await s.head(repo);
      else await writeProtos(repo, s.head, "change");
      const plan = await planOf(dir);
      const got = Object.fromEntries(plan.packages.map((p) => [p.name, [p.bump, p.next]]));
      for (const [name, want] of Object.entries(s.expect)) {
        assert.deepEqual(got[name], want, `${name}: ${JSON.stringify(plan.packages.find((p) => p.name === name)?.changes, null, 1)}`);
      }
      for (const [name, lines] of Object.entries(s.lines ?? {})) {
        const messages = plan.packages.find((p) => p.name === name)!.changes.map((c) => c.message);
        if (lines.length === 0) assert.deepEqual(messages, []);
        for (const line of lines)
          assert.ok(messages.includes(line), `${name}: missing ${JSON.stringify(line)} in ${JSON.stringify(messages)}`);
      }
      for (const [name, kinds] of Object.entries(s.kinds ?? {})) {
        const got = [...new Set(plan.packages.find((p) => p.name === name)!.changes.map((c) => c.kind))].sort();
        assert.deepEqual(got, [...kinds].sort(), name);
      }
      // Every change points at a repository file; lines come from source info where there is one.
      for (const c of plan.packages.flatMap((p) => p.changes)) {
        assert.match(c.file, /^proto\/shop\/.+\.proto$/);
        assert.ok(c.line === null || c.line >= 1);
      }
    });
  }
});

describe("release plan output", () => {
  let tmp: { dir: string; dispose: () => Promise<void> };
  before(async () => {
    tmp = await tempDir("protoship-release-out-");
  });
  after(async () => {
    await tmp.dispose();
  });

  it("--json has exactly the documented shape, with file and line of each change", async () => {
    const repo = await protoRepo(path.join(tmp.dir, "json"), { [ORDER]: ORDER_V1, [BILLING]: BILLING_V1 });
    await tagRelease(repo, O, "1.0.0");
    await tagRelease(repo, B, "1.0.0");
    await writeProtos(
      repo,
      { [ORDER]: edit(ORDER_V1, "  // The old lookup.\n  rpc Legacy(GetOrderRequest) returns (GetOrderResponse);\n", "") },
      "drop legacy",
    );
    const r = await protoship(repo.dir, ["release", "plan", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      packages: [
        { name: B, protoPackage: "shop.billing.v1", current: "1.0.0", next: null, bump: "none", changes: [] },
        {
          name: O,
          protoPackage: "shop.order.v1",
          current: "1.0.0",
          next: "2.0.0",
          bump: "major",
          changes: [
            {
              kind: "breaking",
              message: "removed RPC `Legacy` from `shop.order.v1.OrderService` (breaking)",
              file: `proto/${ORDER}`,
              line: 7,
            },
          ],
        },
      ],
    });
    // Text and Markdown show a row for what is released and count the rest.
    const text = await protoship(repo.dir, ["release", "plan"]);
    assert.match(text.stdout, /^@shop\/order-v1\s+shop\.order\.v1\s+1\.0\.0\s+2\.0\.0\s+major$/m);
    assert.doesNotMatch(text.stdout, /billing/);
    assert.match(text.stdout, /^… and 1 unchanged package$/m);
    const md = await protoship(repo.dir, ["release", "plan", "--markdown"]);
    assert.doesNotMatch(md.stdout, /billing/);
    assert.match(md.stdout, /^… and 1 unchanged package$/m);
  });

  it("text is a table plus the changes; --markdown escapes names", async () => {
    const repo = await protoRepo(path.join(tmp.dir, "text"), { [ORDER]: ORDER_V1 });
    const r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^package\s+proto package\s+current\s+next\s+bump\n/);
    assert.match(r.stdout, /^@shop\/order-v1\s+shop\.order\.v1\s+-\s+1\.0\.0\s+major$/m);
    assert.match(r.stdout, /1 of 1 package to release\.\n$/);
    // The change markers are explained under the changes.
    assert.match(r.stdout, /^ {2}\+ added /m);
    assert.match(r.stdout, /^Markers: ! breaking, \+ added, ~ changed \(not breaking\), # comments only, \^ dependency range moved\.$/m);
    const md = await protoship(repo.dir, ["release", "plan", "--markdown"]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^\| `@shop\/order-v1` \| `shop\.order\.v1` \| – \| \*\*1\.0\.0\*\* \| major \|$/m);
    assert.match(md.stdout, /^### @shop\/order-v1 1\.0\.0$/m);
  });

  it("refuses --json with --markdown, and a schema that does not compile at the tag names the tag", async () => {
    const repo = await protoRepo(path.join(tmp.dir, "bad"), { [ORDER]: ORDER_V1.replace("int32 quantity", "Nope quantity") });
    await tagRelease(repo, O, "1.0.0");
    await writeProtos(repo, { [ORDER]: ORDER_V1 }, "fix");
    const both = await protoship(repo.dir, ["release", "plan", "--json", "--markdown"]);
    assert.equal(both.code, 2);
    const r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /at tag @shop\/order-v1@1\.0\.0: the schema does not compile: .*Nope/);
  });

  it("reads a buf workspace in a subfolder at each revision, and names a tag's compile error by its repository path", async () => {
    const repo = await GitFixture.init(path.join(tmp.dir, "sub"));
    await repo.write("api/buf.yaml", bufYaml());
    await repo.write("protoship.yaml", `${PROTOSHIP_YAML}bufYaml: api/buf.yaml\n`);
    await repo.write(`api/proto/${ORDER}`, ORDER_V1.replace("int32 quantity", "Nope quantity"));
    await repo.commitAll("broken release");
    await tagRelease(repo, O, "1.0.0");
    await repo.write(`api/proto/${ORDER}`, ORDER_V1);
    await repo.commitAll("fix");
    const r = await protoship(repo.dir, ["release", "plan"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /at tag @shop\/order-v1@1\.0\.0: the schema does not compile: api\/proto\/shop\/order\/v1\/order\.proto:\d+:\d+: /,
    );

    await tagRelease(repo, O, "1.0.1");
    await repo.write(`api/proto/${ORDER}`, edit(ORDER_V1, "  int32 quantity = 2;\n", ""));
    await repo.commitAll("drop quantity");
    const plan = await planOf(repo.dir);
    assert.deepEqual(
      plan.packages.map((p) => [p.name, p.current, p.next, p.bump]),
      [[O, "1.0.1", "2.0.0", "major"]],
    );
  });
});
