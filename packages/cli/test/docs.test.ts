import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GitFixture, launchChromium, protoship, serveStatic, suiteTempDirs } from "@protoship/testkit";

/** The tags below name @mesh packages: the stub scope is set, as release tags need one. */
const MESH_SCOPE = 'stubs:\n  scope: "@mesh"\n';

/** Two packages, one importing the other, with comments written by an attacker. */
const COMMON = `syntax = "proto3";

// Shared types.
package acme.common.v1;

// A money amount. <script>window.__pwned = 1</script>
message Money {
  // ISO 4217 code. <img src=x onerror="window.__pwned = 2"> [click](javascript:window.__pwned=3) */ end
  string currency = 1;
  // Minor units; 64-bit.
  int64 units = 2;
}
`;
const SHOP = `syntax = "proto3";

// The shop.
package acme.shop.v1;

import "acme/common/v1/money.proto";

// Sells things.
service ShopService {
  // GetPrice returns the price of an item.
  rpc GetPrice(GetPriceRequest) returns (GetPriceResponse);
}

// Which item.
message GetPriceRequest {
  // The item.
  string item = 1;
}

// The price.
message GetPriceResponse {
  // What it costs.
  acme.common.v1.Money price = 1;
}
`;

describe("protoship docs", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("builds a site from a repository: search an RPC, follow a type across packages, comments stay text", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("proto/acme/common/v1/money.proto", COMMON);
    await repo.write("proto/acme/shop/v1/shop.proto", SHOP);
    await repo.commitAll("apis");
    const r = await protoship(repo.dir, ["docs", "-o", "site", "--title", "Acme"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /docs site: \d+ pages/);
    const common = await readFile(path.join(repo.dir, "site/packages/acme.common.v1.html"), "utf8");
    assert.ok(!common.includes("<script>window.__pwned"), "script tag must be escaped");
    assert.ok(!common.includes('onerror="window'), "img onerror must be escaped");
    assert.ok(!/href="javascript:/i.test(common), "javascript: links must not survive");

    const site = await serveStatic(path.join(repo.dir, "site"));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const hosts = new Set<string>();
      page.on("request", (req) => hosts.add(new URL(req.url()).hostname));
      await page.goto(`${site.url}index.html`);
      await page.locator("#search-input").click();
      await page.keyboard.type("GetPrice");
      const first = page.locator(".search-result").first();
      await first.waitFor({ state: "visible" });
      await first.click();
      await page.waitForURL(/acme\.shop\.v1\.html/);
      await page.locator('a[href*="acme.common.v1.html#acme.common.v1.Money"]').first().click();
      await page.waitForURL(/acme\.common\.v1\.html#acme\.common\.v1\.Money/);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.ok((await page.textContent("body"))?.includes("<script>window.__pwned = 1</script>"), "the injected text shows as text");
      await page.screenshot({ path: path.join(repo.dir, "docs.png"), fullPage: true });
      assert.deepEqual([...hosts], ["127.0.0.1"]);
    } finally {
      await browser.close();
      await site.close();
    }
  });

  it("fails with file:line:col and keeps the previous site when the schema does not compile", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("proto/acme/common/v1/money.proto", COMMON);
    await repo.commitAll("apis");
    assert.equal((await protoship(repo.dir, ["docs"])).code, 0);
    const before = await readFile(path.join(repo.dir, "site/packages/acme.common.v1.html"), "utf8");
    await repo.write("proto/acme/common/v1/money.proto", COMMON.replace("string currency = 1;", "strin currency = 1;"));
    const r = await protoship(repo.dir, ["docs"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /proto\/acme\/common\/v1\/money\.proto:\d+:\d+: /);
    assert.equal(await readFile(path.join(repo.dir, "site/packages/acme.common.v1.html"), "utf8"), before);
  });

  it("builds a page per release from the schema at its tag (not the working tree), and reuses it on the next run", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("protoship.yaml", MESH_SCOPE);
    await repo.write("proto/acme/common/v1/money.proto", COMMON);
    await repo.write("proto/acme/shop/v1/shop.proto", SHOP);
    await repo.commitAll("apis");
    await repo.git("tag", "-a", "@mesh/acme-shop-v1@1.0.0", "-m", "@mesh/acme-shop-v1@1.0.0");
    const withRpc = (rpcs: string[]) =>
      SHOP.replace(
        "rpc GetPrice(GetPriceRequest) returns (GetPriceResponse);",
        ["GetPrice", ...rpcs].map((r) => `rpc ${r}(GetPriceRequest) returns (GetPriceResponse);`).join("\n  "),
      );
    await repo.write("proto/acme/shop/v1/shop.proto", withRpc(["RefundOrder"]));
    await repo.commitAll("refunds");
    await repo.git("tag", "-a", "@mesh/acme-shop-v1@1.1.0", "-m", "@mesh/acme-shop-v1@1.1.0\n\n- added RPC `RefundOrder`");
    await repo.write("proto/acme/shop/v1/shop.proto", withRpc(["RefundOrder", "CancelOrder"]));
    await repo.commitAll("cancel, unreleased");
    // Working-tree edits and untracked files never reach a release's page.
    await repo.write("proto/acme/shop/v1/shop.proto", withRpc(["RefundOrder", "CancelOrder", "DirtyEdit"]));
    await repo.write("proto/acme/shop/v1/untracked.proto", 'syntax = "proto3";\npackage acme.shop.v1;\nmessage UntrackedThing {}\n');

    const r = await protoship(repo.dir, ["docs"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 release pages \(0 reused\)/);
    const page = (rel: string) => readFile(path.join(repo.dir, "site", rel), "utf8");
    const v100 = await page("v/acme.shop.v1/1.0.0.html");
    const v110 = await page("v/acme.shop.v1/1.1.0.html");
    const latest = await page("v/acme.shop.v1/latest.html");
    const rpc = (name: string) => `id="acme.shop.v1.ShopService.${name}"`;
    assert.ok(v100.includes(rpc("GetPrice")) && !v100.includes(rpc("RefundOrder")), "1.0.0 is the schema at its tag");
    assert.ok(v110.includes(rpc("RefundOrder")) && !v110.includes(rpc("CancelOrder")), "1.1.0 is the schema at its tag");
    for (const text of [v100, v110, latest]) {
      assert.ok(!text.includes("DirtyEdit") && !text.includes("UntrackedThing"), "nothing from the working tree");
    }
    assert.ok(latest.includes(rpc("RefundOrder")));
    assert.match(v100, /an older release\. <a class="version-banner-latest-link" href="latest\.html">Go to the latest release, v1\.1\.0/);
    assert.ok((await page("packages/acme.shop.v1.html")).includes('href="../v/acme.shop.v1/1.0.0.html"'), "the switcher links the release");

    const again = await protoship(repo.dir, ["docs"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /2 release pages \(2 reused\)/);
    assert.equal(await page("v/acme.shop.v1/1.0.0.html"), v100);
  });

  it("a release whose schema does not compile fails with the tag and file:line:col, and keeps the previous site", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("protoship.yaml", MESH_SCOPE);
    await repo.write("proto/acme/common/v1/money.proto", COMMON.replace("string currency = 1;", "strin currency = 1;"));
    await repo.commitAll("broken");
    await repo.git("tag", "-a", "@mesh/acme-common-v1@1.0.0", "-m", "broken release");
    await repo.write("proto/acme/common/v1/money.proto", COMMON);
    await repo.commitAll("fixed");
    assert.equal((await protoship(repo.dir, ["docs", "--no-versions"])).code, 0);
    const before = await readFile(path.join(repo.dir, "site/index.html"), "utf8");
    const r = await protoship(repo.dir, ["docs"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /at tag @mesh\/acme-common-v1@1\.0\.0: the schema does not compile: .*money\.proto:\d+:\d+/);
    assert.equal(await readFile(path.join(repo.dir, "site/index.html"), "utf8"), before);
  });

  it("reports progress on stderr (release pages, then pages) as plain periodic lines off a terminal; stdout is unchanged", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("protoship.yaml", MESH_SCOPE);
    await repo.write("proto/acme/common/v1/money.proto", COMMON);
    await repo.write("proto/acme/shop/v1/shop.proto", SHOP);
    await repo.commitAll("apis");
    await repo.git("tag", "-a", "@mesh/acme-shop-v1@1.0.0", "-m", "@mesh/acme-shop-v1@1.0.0");
    await repo.git("tag", "-a", "@mesh/acme-common-v1@1.0.0", "-m", "@mesh/acme-common-v1@1.0.0");
    // A 1 ms period: the build (buf runs, page writes) lets the timer print between its steps.
    const fast = { PROTOSHIP_PROGRESS_INTERVAL_MS: "1" };
    const quiet = await protoship(repo.dir, ["docs", "-o", "site-a"]);
    const r = await protoship(repo.dir, ["docs", "-o", "site-b"], undefined, fast);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.replace("site-b", "site-a"), quiet.stdout, "stdout is the same with progress reported");
    assert.match(r.stdout, /^✔ docs site: \d+ pages, [^\n]*\n$/, "stdout holds only the summary");

    const lines = r.stderr.split("\n").filter(Boolean);
    for (const line of lines)
      assert.match(line, /^docs \d+\/\d+ (release pages|pages) · \d+ s$/, "only progress lines, no control characters");
    const pages = Number(/(\d+) pages/.exec(r.stdout)![1]);
    assert.ok(
      lines.some((l) => l.startsWith("docs ") && l.includes("/2 release pages")),
      r.stderr,
    );
    assert.match(lines.at(-1)!, new RegExp(`^docs ${pages}/${pages} pages · `), "the last line: every page written");

    const bad = await protoship(repo.dir, ["docs", "-o", "site-a"], undefined, { PROTOSHIP_PROGRESS_INTERVAL_MS: "soon" });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^protoship: PROTOSHIP_PROGRESS_INTERVAL_MS: expected a whole number of milliseconds/);
  });

  it("describes each package with the comment above its package statement, on the index and atop the package page", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    await repo.write("proto/acme/common/v1/money.proto", COMMON);
    // A second file of the package without a package comment, sorting first: the comment still wins.
    const unit = 'syntax = "proto3";\n\npackage acme.common.v1;\n\n// A unit of measure.\nmessage Unit {}\n';
    await repo.write("proto/acme/common/v1/a_unit.proto", unit);
    await repo.commitAll("apis");
    assert.equal((await protoship(repo.dir, ["docs", "-o", "site"])).code, 0);
    const index = await readFile(path.join(repo.dir, "site/index.html"), "utf8");
    const card = /<a class="package-link" href="packages\/acme\.common\.v1\.html">.*?<\/a>\n<p class="package-summary">(.*?)<\/p>/.exec(
      index,
    );
    assert.equal(card?.[1], "Shared types.");
    const page = await readFile(path.join(repo.dir, "site/packages/acme.common.v1.html"), "utf8");
    assert.match(page, /<div class="package-description"><div class="md"><p>Shared types\.<\/p>/);
  });
});
