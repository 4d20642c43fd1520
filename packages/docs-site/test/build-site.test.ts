import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import MiniSearch from "minisearch";
import { buildSite, DocSiteError, type DocModel } from "../src/index.js";
import { expandSearchResult } from "../src/search-index.js";
import { handModel, INJECTED, loadGoldenModel, versions } from "./fixtures.js";

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "docs-site-unit-"));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const read = (dir: string, rel: string) => readFile(path.join(dir, rel), "utf8");

/** Only our own two external scripts may appear; no inline script, no event handler attributes. */
function assertNoActiveContent(page: string, html: string): void {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  for (const s of scripts) assert.match(s, /^<script src="(\.\.\/)?assets\/(minisearch|site)\.js" defer>$/, `${page}: ${s}`);
  assert.doesNotMatch(html, /<img\b/i, `${page}: no <img> tags`);
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
    assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `${page}: event handler attribute in ${tag}`);
    if (!tag.startsWith('<link rel="icon"')) assert.doesNotMatch(tag, /(href|src)="\s*(javascript|data|vbscript):/i, `${page}: script URL in ${tag}`);
  }
  assert.doesNotMatch(html, /https?:\/\//, `${page}: no absolute URLs (no external requests)`);
}

describe("golden protoc-gen-doc example", () => {
  let out: string;
  before(async () => {
    out = path.join(tmp, "golden");
    const result = await buildSite({ model: loadGoldenModel(), outDir: out });
    assert.deepEqual(result.pages, ["index.html", "packages/com.example.html"]);
  });

  test("index lists the package with its file descriptions", async () => {
    const index = await read(out, "index.html");
    assert.match(index, /<a class="package-link" href="packages\/com\.example\.html"><code>com\.example<\/code><\/a>/);
    assert.ok(index.includes("Booking related messages."));
    assert.ok(index.includes("This file has messages for describing a customer."));
    assert.ok(index.includes('id="scalar-int32"'), "scalar type table");
    assertNoActiveContent("index.html", index);
  });

  test("package page documents services, RPCs, messages, enums and extensions", async () => {
    const page = await read(out, "packages/com.example.html");
    for (const id of [
      "com.example.BookingService",
      "com.example.BookingService.BookVehicle",
      "com.example.BookingService.BookingUpdates",
      "com.example.Booking",
      "com.example.Booking.vehicle_id",
      "com.example.Vehicle.Category",
      "com.example.Manufacturer.Category",
      "com.example.Manufacturer.Category.CATEGORY_EXTERNAL",
      "com.example.Manufacturer.country",
    ]) {
      assert.ok(page.includes(`id="${id}"`), `anchor ${id}`);
    }
    // HTTP binding from google.api.http, streaming marker, type links by full name.
    assert.match(page, /<span class="http-method http-post">POST<\/span> <code class="http-path">\/api\/bookings\/vehicle\/\{vehicle_id\}<\/code>/);
    assert.match(page, /BookingUpdates<\/span> <span class="badge badge-stream">server streaming<\/span>/);
    assert.ok(page.includes('href="../packages/com.example.html#com.example.BookingStatus"'));
    assert.ok(page.includes('href="../packages/com.example.html#com.example.Manufacturer.Category"'));
    // Deprecated field (options.deprecated) is marked.
    assert.match(page, /<tr id="com\.example\.Booking\.color_preference" class=" row-deprecated">/);
    assert.match(page, /class="field-name is-deprecated">color_preference/);
    // Default values and comments as Markdown paragraphs.
    assert.ok(page.includes("Default: <code>CATEGORY_EXTERNAL</code>"));
    assert.ok(page.includes("<p>Vehicles are some cool shit. But drive carefully!</p>"));
    assertNoActiveContent("com.example.html", page);
  });

  test("search index covers every element and loads in MiniSearch", async () => {
    const data = JSON.parse(await read(out, "assets/search-index.json"));
    const mini = MiniSearch.loadJS(data.index, data.options);
    const expand = (r: unknown) => expandSearchResult(r as never, data.pages);
    const top = expand(mini.search("BookVehicle", { prefix: true })[0]);
    assert.equal(top.kind, "rpc");
    assert.equal(top.name, "BookVehicle");
    assert.equal(top.fullName, "com.example.BookingService.BookVehicle");
    assert.equal(top.url, "packages/com.example.html#com.example.BookingService.BookVehicle");
    const nested = expand(mini.search("Vehicle.Category").find((r) => r.k === "message"));
    assert.equal(nested.name, "Vehicle.Category");
    assert.equal(nested.url, "packages/com.example.html#com.example.Vehicle.Category");
    const stored = Object.values(data.index.storedFields as Record<string, { k: string }>);
    assert.deepEqual([...new Set(stored.map((d) => d.k))].sort(), ["enum", "extension", "field", "message", "package", "rpc", "service", "value"]);
    // 1 package + 1 service + 2 rpcs + 10 messages + 40 fields + 1 enum + 2 values + 2 extensions.
    assert.equal(stored.length, 59);
    assert.equal(expand(mini.search("CATEGORY_INHOUSE")[0]).kind, "value");
    assert.equal(expand(mini.search("com.example", { combineWith: "AND" })[0]).url, "packages/com.example.html");
    // The browser bundle is shipped locally and defines the global the client uses.
    const bundle = await read(out, "assets/minisearch.js");
    assert.match(bundle, /global\.MiniSearch = factory\(\)|\.MiniSearch\s*=/);
  });
});

describe("hand-made model: cross-package links, maps, oneofs, hostile comments", () => {
  let out: string;
  before(async () => {
    out = path.join(tmp, "hand");
    await buildSite({ model: [handModel], outDir: out, title: "Acme <b>APIs</b>", versions });
  });

  test("type links resolve across packages by full name", async () => {
    const shop = await read(out, "packages/acme.shop.v1.html");
    assert.ok(shop.includes('href="../packages/acme.common.v1.html#acme.common.v1.Customer"'));
    const common = await read(out, "packages/acme.common.v1.html");
    assert.ok(common.includes('id="acme.common.v1.Customer"'));
    // Map fields render as map<K, V> and the synthetic entry message is not listed.
    assert.match(shop, /<code>map&lt;<\/code>.*string.*<code>, <\/code>.*acme\.common\.v1\.html#acme\.common\.v1\.Status.*<code>&gt;<\/code>/);
    assert.ok(!shop.includes('id="acme.shop.v1.Order.LabelsEntry"'));
    // Oneof group header, JSON names, client+server streaming, deprecated via `deprecated` key.
    assert.match(shop, /<span class="kw">oneof<\/span> <code>payment<\/code>/);
    assert.ok(shop.includes("JSON: <code>cardToken</code>"));
    assert.match(shop, /WatchOrders<\/span> <span class="badge badge-deprecated"[^>]*>Deprecated<\/span> <span class="badge badge-stream">client streaming<\/span> <span class="badge badge-stream">server streaming<\/span>/);
    assert.match(common, /<tr id="acme\.common\.v1\.Status\.STATUS_BANNED" class="row-deprecated">/);
  });

  test("injected comment and title are escaped text, never markup", async () => {
    const escaped =
      "Evil &lt;script&gt;window.__pwned=1&lt;/script&gt; and &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; and [click](javascript:window.__pwned=1) and */ end.";
    const shop = await read(out, "packages/acme.shop.v1.html");
    assert.ok(shop.includes(escaped), "file, rpc and field comments escaped");
    assert.equal(shop.split(escaped).length - 1, 3);
    assert.ok(shop.includes("<title>acme.shop.v1 · Acme &lt;b&gt;APIs&lt;/b&gt;</title>"));
    for (const page of ["index.html", "packages/acme.shop.v1.html", "packages/acme.common.v1.html", "changelog.html"]) {
      assertNoActiveContent(page, await read(out, page));
    }
    const index = await read(out, "index.html");
    assert.ok(index.includes("Shop API. Evil &lt;script&gt;window.__pwned=1&lt;/script&gt;"), "summary keeps the literal text");
    const searchIndex = await read(out, "assets/search-index.json");
    assert.ok(searchIndex.includes(JSON.stringify(INJECTED.slice(0, 40)).slice(1, -1)), "search snippet holds plain text");
  });

  test("markdown links with safe schemes survive, javascript: ones do not", async () => {
    const model: DocModel = {
      files: [
        {
          name: "a.proto",
          package: "links",
          description: "[ok](https://example.com/x) [rel](./other.html) [js](JAVASCRIPT:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) ![pic](javascript:alert(1))",
          messages: [],
        },
      ],
    };
    const dir = path.join(tmp, "links");
    await buildSite({ model, outDir: dir });
    const page = await read(dir, "packages/links.html");
    assert.ok(page.includes('<a href="https://example.com/x" rel="noopener noreferrer nofollow">ok</a>'));
    assert.ok(page.includes('<a href="./other.html" rel="noopener noreferrer nofollow">rel</a>'));
    assert.doesNotMatch(page, /<a [^>]*href="(javascript|data):/i);
    assert.ok(page.includes("[js](JAVASCRIPT:alert(1))"), "rejected link stays as text");
    assert.doesNotMatch(page, /<img/);
  });

  test("changelog page and version switcher", async () => {
    const changelog = await read(out, "changelog.html");
    assert.ok(changelog.includes('id="acme.shop.v1@1.1.0"'));
    assert.ok(changelog.includes("<li>Added <code>WatchOrders</code>.</li>"));
    assert.ok(changelog.includes("Hostile: &lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    const shop = await read(out, "packages/acme.shop.v1.html");
    assert.match(shop, /<summary aria-label="Version of acme\.shop\.v1"><span class="muted">acme\.shop\.v1<\/span> <strong>v1\.1\.0<\/strong><\/summary>/);
    assert.ok(shop.includes('href="../changelog.html#acme.shop.v1%401.0.0"'));
  });

  test("versionHref template and currentVersion drive the switcher", async () => {
    const dir = path.join(tmp, "versioned");
    await buildSite({ model: handModel, outDir: dir, versions, currentVersion: "1.0.0", versionHref: "../{version}/index.html" });
    const index = await read(dir, "index.html");
    assert.ok(index.includes('<a href="../1.0.0/index.html" aria-current="true">v1.0.0'));
    assert.ok(index.includes("<strong>v1.0.0</strong>"));
  });

  test("no versions: no changelog page and no switcher", async () => {
    const dir = path.join(tmp, "noversions");
    const result = await buildSite({ model: handModel, outDir: dir });
    assert.ok(!result.pages.includes("changelog.html"));
    assert.ok(!(await read(dir, "index.html")).includes("version-switcher"));
  });
});

describe("additive keys emitted by @protoship/protoc-gen-doc", () => {
  test("isMapEntry, mapKey/mapValue, null lists, syntax, oneofs and custom JSON names", async () => {
    const model = {
      files: [
        {
          name: "m.proto",
          package: "add",
          description: "",
          syntax: "editions",
          edition: "2023",
          enums: [{ name: "Empty", longName: "Empty", fullName: "add.Empty", description: "", values: null }],
          services: [{ name: "Idle", longName: "Idle", fullName: "add.Idle", description: "", methods: null }],
          messages: [
            {
              name: "Bag",
              longName: "Bag",
              fullName: "add.Bag",
              description: "",
              isMapEntry: false,
              oneofs: [{ name: "choice", description: "Pick *one*.", fields: ["a"] }],
              fields: [
                { name: "items", label: "repeated", type: "ItemsEntry", longType: "Bag.ItemsEntry", fullType: "add.Bag.ItemsEntry", ismap: true, jsonName: "items", hasCustomJsonName: false, number: 1, mapKey: { type: "int64", longType: "int64", fullType: "int64" }, mapValue: { type: "Bag", longType: "Bag", fullType: "add.Bag" } },
                { name: "a", type: "string", fullType: "string", isoneof: true, oneofdecl: "choice", jsonName: "a", number: 2 },
                { name: "b", type: "string", fullType: "string", jsonName: "bee", hasCustomJsonName: true, number: 3 },
              ],
            },
            { name: "ItemsEntry", longName: "Bag.ItemsEntry", fullName: "add.Bag.ItemsEntry", description: "", isMapEntry: true, fields: [] },
          ],
        },
      ],
      scalarValueTypes: [],
    } as unknown as DocModel;
    const dir = path.join(tmp, "additive");
    await buildSite({ model, outDir: dir });
    const page = await read(dir, "packages/add.html");
    assert.match(page, /<code>map&lt;<\/code><code class="type-external" title="int64">int64<\/code><code>, <\/code><a class="type-link" href="\.\.\/packages\/add\.html#add\.Bag"/);
    assert.ok(!page.includes('id="add.Bag.ItemsEntry"'), "map entry message hidden");
    assert.ok(page.includes('<span class="badge badge-syntax">edition 2023</span>'));
    assert.ok(page.includes("<p>Pick <em>one</em>.</p>"), "oneof description rendered");
    assert.ok(page.includes("JSON: <code>bee</code>"));
    assert.ok(!page.includes("JSON: <code>a</code>"), "default JSON name equal to the field name is not repeated");
    assert.ok(page.includes('id="add.Empty"') && page.includes('id="add.Idle"'));
  });
});

describe("hostile names and malformed input", () => {
  test("package and type names are escaped and page file names sanitised", async () => {
    const evil = 'x"><script>window.__pwned=1</script>';
    const model: DocModel = {
      files: [
        {
          name: "../../evil.proto",
          package: `../${evil}`,
          messages: [{ name: "<b>Bad</b>", fullName: `${evil}.Bad`, fields: [{ name: "f<i>", type: "<u>T</u>", fullType: "<u>T</u>" }] }],
        },
      ],
    };
    const dir = path.join(tmp, "evil-names");
    const result = await buildSite({ model, outDir: dir });
    const pkgPage = result.pages.find((p) => p.startsWith("packages/"));
    assert.ok(pkgPage && /^packages\/[A-Za-z0-9._-]+\.html$/.test(pkgPage), `safe page name: ${pkgPage}`);
    assert.deepEqual((await readdir(dir)).sort(), [".protoship-generated", "assets", "index.html", "packages"]);
    const page = await read(dir, pkgPage);
    assertNoActiveContent(pkgPage, page);
    assert.ok(page.includes("&lt;b&gt;Bad&lt;/b&gt;"));
    assert.ok(page.includes("f&lt;i&gt;"));
  });

  test("with many packages the sidebar lists only the current one; the index lists all", async () => {
    const files = Array.from({ length: 160 }, (_, i) => ({ name: `p${i}.proto`, package: `pkg${i}`, messages: [] }));
    const dir = path.join(tmp, "many");
    const result = await buildSite({ model: { files }, outDir: dir });
    assert.equal(result.pages.length, 161);
    const page = await read(dir, "packages/pkg7.html");
    assert.equal((page.match(/href="\.\.\/packages\/pkg\d+\.html"/g) ?? []).length, 1);
    assert.ok(page.includes("159 more on"));
    const index = await read(dir, "index.html");
    assert.equal((index.match(/class="package-link"/g) ?? []).length, 160);
  });

  test("a failing build leaves the previous site intact and no temp dirs behind", async () => {
    const dir = path.join(tmp, "atomic");
    await buildSite({ model: handModel, outDir: dir });
    const before = await read(dir, "packages/acme.shop.v1.html");
    await writeFile(path.join(dir, "marker.txt"), "old site");

    const bad = { files: [{ name: "x.proto", package: "p", messages: "oops" }] } as unknown as DocModel;
    await assert.rejects(buildSite({ model: [handModel, bad], outDir: dir }), (err: unknown) => {
      assert.ok(err instanceof DocSiteError);
      assert.match(err.message, /files\[0\]\.messages must be an array/);
      return true;
    });
    await assert.rejects(buildSite({ model: handModel, outDir: dir, versions: [{ package: "p", versions: [{ version: "1", changelog: "x" }] }] as never }), DocSiteError);
    assert.equal(await read(dir, "marker.txt"), "old site");
    assert.equal(await read(dir, "packages/acme.shop.v1.html"), before);
    assert.deepEqual((await readdir(tmp)).filter((n) => n.startsWith(".atomic.")), []);

    // A successful rebuild replaces the whole directory.
    await buildSite({ model: loadGoldenModel(), outDir: dir });
    await assert.rejects(stat(path.join(dir, "marker.txt")), { code: "ENOENT" });
    assert.ok((await stat(path.join(dir, "packages/com.example.html"))).isFile());
    assert.deepEqual((await readdir(tmp)).filter((n) => n.startsWith(".atomic.")), []);
  });
});
