import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildSite, DocSiteError, type DocModel } from "../src/index.js";
import { type SearchHit, siteSearch } from "./search-engine.js";
import { handModel, INJECTED, loadGoldenModel, versions, versionsWithSnapshots } from "./fixtures.js";

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
  for (const s of scripts) assert.match(s, /^<script src="(\.\.\/)*assets\/(search-engine|site)\.js" defer>$/, `${page}: ${s}`);
  assert.doesNotMatch(html, /<img\b/i, `${page}: no <img> tags`);
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
    assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `${page}: event handler attribute in ${tag}`);
    if (!tag.startsWith('<link rel="icon"'))
      assert.doesNotMatch(tag, /(href|src)="\s*(javascript|data|vbscript):/i, `${page}: script URL in ${tag}`);
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
    assert.match(
      page,
      /<span class="http-method http-post">POST<\/span> <code class="http-path">\/api\/bookings\/vehicle\/\{vehicle_id\}<\/code>/,
    );
    assert.match(page, /BookingUpdates<\/span> <span class="badge badge-stream">server streaming<\/span>/);
    assert.ok(page.includes('href="../packages/com.example.html#com.example.BookingStatus"'));
    assert.ok(page.includes('href="../packages/com.example.html#com.example.Manufacturer.Category"'));
    // Deprecated field (options.deprecated) is marked.
    assert.match(page, /<tr id="com\.example\.Booking\.color_preference" class=" row-deprecated">/);
    assert.match(page, /class="field-name is-deprecated">color_<wbr>preference/);
    // Default values and comments as Markdown paragraphs.
    assert.ok(page.includes("Default: <code>CATEGORY_EXTERNAL</code>"));
    assert.ok(page.includes("<p>Vehicles are some cool shit. But drive carefully!</p>"));
    assertNoActiveContent("com.example.html", page);
  });

  test("search index covers every element; the shipped engine finds them", async () => {
    const { search, loaded } = await siteSearch(out);
    const top = (await search("BookVehicle"))[0]!;
    assert.equal(top.kind, "rpc");
    assert.equal(top.name, "BookVehicle");
    assert.equal(top.fullName, "com.example.BookingService.BookVehicle");
    assert.equal(top.url, "packages/com.example.html#com.example.BookingService.BookVehicle");
    const nested = (await search("Vehicle.Category")).find((r) => r.kind === "message")!;
    assert.equal(nested.name, "Vehicle.Category");
    assert.equal(nested.url, "packages/com.example.html#com.example.Vehicle.Category");
    assert.equal((await search("CATEGORY_INHOUSE"))[0]!.kind, "value");
    assert.equal((await search("com.example"))[0]!.url, "packages/com.example.html");
    // Prefix and camelCase parts: "BookV" ranks the RPC first; "booking service" finds BookingService.
    assert.equal((await search("BookV"))[0]!.fullName, "com.example.BookingService.BookVehicle");
    assert.ok((await search("booking service")).some((r) => r.fullName === "com.example.BookingService"));
    assert.deepEqual(await search("zzzznothing"), []);
    assert.ok(loaded.includes("m") && loaded.some((n) => n.startsWith("t")) && loaded.some((n) => n.startsWith("d")), loaded.join());

    const script = await read(out, "assets/search/m.js");
    const manifest = JSON.parse(script.slice(script.indexOf('["m"]=') + 6, -2));
    assert.deepEqual([...manifest.kinds].sort(), ["enum", "extension", "field", "message", "package", "rpc", "service", "value"]);
    // 1 package + 1 service + 2 rpcs + 10 messages + 40 fields + 1 enum + 2 values + 2 extensions.
    assert.equal(manifest.docs, 59);
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
    assert.match(
      shop,
      /<code>map&lt;<\/code>.*string.*<code>, <\/code>.*acme\.common\.v1\.html#acme\.common\.v1\.Status.*<code>&gt;<\/code>/,
    );
    assert.ok(!shop.includes('id="acme.shop.v1.Order.LabelsEntry"'));
    // Oneof group header, JSON names, client+server streaming, deprecated via `deprecated` key.
    assert.match(shop, /<span class="kw">oneof<\/span> <code>payment<\/code>/);
    assert.ok(shop.includes("JSON: <code>cardToken</code>"));
    assert.match(
      shop,
      /WatchOrders<\/span> <span class="badge badge-deprecated"[^>]*>Deprecated<\/span> <span class="badge badge-stream">client streaming<\/span> <span class="badge badge-stream">server streaming<\/span>/,
    );
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
    const { search } = await siteSearch(out);
    assert.equal((await search("GetOrd"))[0]!.fullName, "acme.shop.v1.OrderService.GetOrder", "the RPC above GetOrderRequest");
    const hit = (await search("Shop API")).find((r) => r.kind === "package" && r.name === "acme.shop.v1");
    assert.ok(hit?.summary.includes(INJECTED.slice(0, 40)), "search snippet holds plain text");
  });

  test("markdown links with safe schemes survive, javascript: ones do not", async () => {
    const model: DocModel = {
      files: [
        {
          name: "a.proto",
          package: "links",
          description:
            "[ok](https://example.com/x) [rel](./other.html) [js](JAVASCRIPT:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) ![pic](javascript:alert(1))",
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
    // Dates for people, packages by name, and no single package's switcher on site-wide pages.
    assert.ok(changelog.includes('<time class="muted" datetime="2026-11-20">20 Nov 2026</time>'));
    assert.ok(!changelog.includes("version-switcher"));
    assert.ok(!(await read(out, "index.html")).includes("version-switcher"));
    assert.ok(changelog.includes('id="acme.shop.v1@1.1.0"'));
    assert.ok(changelog.includes("<li>Added <code>WatchOrders</code>.</li>"));
    assert.ok(changelog.includes("Hostile: &lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    const shop = await read(out, "packages/acme.shop.v1.html");
    assert.match(
      shop,
      /<summary aria-label="Version of acme\.shop\.v1"><span class="muted">acme\.shop\.v1<\/span> <strong>v1\.1\.0<\/strong><\/summary>/,
    );
    assert.ok(shop.includes('href="../changelog.html#acme.shop.v1%401.0.0"'));
  });

  test("changelog lists packages sorted by name whatever the input order", async () => {
    const dir = path.join(tmp, "sorted-changelog");
    const unsorted = [
      { package: "zeta.v1", versions: [{ version: "1.0.0", date: "2026-01-02T10:00:00Z", changelog: [] }] },
      { package: "acme.shop.v1", versions: [{ version: "1.0.0", changelog: [] }] },
    ];
    await buildSite({ model: handModel, outDir: dir, versions: unsorted });
    const changelog = await read(dir, "changelog.html");
    assert.ok(changelog.indexOf('id="pkg:acme.shop.v1"') < changelog.indexOf('id="pkg:zeta.v1"'));
    assert.ok(changelog.includes('datetime="2026-01-02T10:00:00Z">2 Jan 2026</time>'));
  });

  test("versionHref template and currentVersion drive the switcher", async () => {
    const dir = path.join(tmp, "versioned");
    await buildSite({ model: handModel, outDir: dir, versions, currentVersion: "1.0.0", versionHref: "../{version}/index.html" });
    const shop = await read(dir, "packages/acme.shop.v1.html");
    assert.ok(shop.includes('<a href="../../1.0.0/index.html" aria-current="true">v1.0.0'));
    assert.ok(shop.includes("<strong>v1.0.0</strong>"));
  });

  test("no versions: no changelog page and no switcher", async () => {
    const dir = path.join(tmp, "noversions");
    const result = await buildSite({ model: handModel, outDir: dir });
    assert.ok(!result.pages.includes("changelog.html"));
    assert.ok(!(await read(dir, "index.html")).includes("version-switcher"));
  });
});

describe("search on a site whose index spans many shards", () => {
  const words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"];
  const messages = Array.from({ length: 4000 }, (_, i) => ({
    name: `${words[i % 8]}Thing${i}`,
    longName: `${words[i % 8]}Thing${i}`,
    fullName: `big.v1.${words[i % 8]}Thing${i}`,
    description: `Element number ${i}.`,
    fields: [{ name: `value_${i}`, type: "string", longType: "string", fullType: "string", description: "" }],
  }));
  let dir = "";
  before(async () => {
    dir = path.join(tmp, "big-search");
    await buildSite({ model: { files: [{ name: "big.proto", package: "big.v1", messages }] }, outDir: dir });
  });

  test("exact terms and prefixes are found across shard boundaries; a query reads a few files", async () => {
    const shards = (await readdir(path.join(dir, "assets/search"))).filter((f) => /^t\d+\.js$/.test(f));
    assert.ok(shards.length >= 4, `several shards: ${shards.length}`);
    const { search, loaded } = await siteSearch(dir);
    for (const i of [0, 1234, 3999]) {
      const name = `${words[i % 8]}Thing${i}`;
      assert.equal((await search(name))[0]?.fullName, `big.v1.${name}`, name);
    }
    // Every term starting with "hotelthing39" (HotelThing39, HotelThing399, HotelThing3903, …).
    const prefixed = await search("HotelThing39");
    const expected = messages.filter((m) => m.name.toLowerCase().startsWith("hotelthing39")).map((m) => m.fullName);
    assert.ok(expected.length > 1 && expected.length <= 20, `${expected.length}`);
    assert.deepEqual(
      prefixed
        .map((r) => r.fullName)
        .filter((n) => !n.includes(".value_"))
        .sort(),
      [...expected].sort(),
    );
    assert.equal((await search("value_1234"))[0]?.fullName, `big.v1.${words[1234 % 8]}Thing1234.value_1234`);
    const files = loaded.length;
    await search("Golf");
    assert.ok(loaded.length - files <= 8, `a one-word query read ${loaded.length - files} files`);
  });

  test("a query superseded while its term's shard loads reads no more shards and no stored fields", async () => {
    let typing = false;
    // The next keystroke lands as soon as the query asks for its first term shard.
    const { search, loaded } = await siteSearch(dir, (name) => {
      if (typing && name.startsWith("t")) typing = false;
    });
    const start = loaded.length;
    typing = true;
    assert.equal(await search("thing", () => !typing), null, "the superseded query stops");
    const read = loaded.slice(start);
    assert.deepEqual(read.filter((n) => /^[td]\d+$/.test(n)).length, 1, `read only the shard that holds the term: ${read.join(" ")}`);
    // Not superseded, the same query reads its whole prefix expansion (several shards) and shows results.
    const all = await search("thing");
    assert.equal(all.length, 20);
    assert.ok(loaded.slice(start).filter((n) => n.startsWith("t")).length > 1, "prefix expansion loaded");
  });

  test("the best results show while the stored fields of the others still load", async () => {
    // "1234" names CharlieThing1234 (in its summary) and its field value_1234: two stored-field chunks.
    const reference = await siteSearch(dir);
    const all = await reference.search("1234");
    const chunks = reference.loaded.filter((n) => n.startsWith("d"));
    assert.ok(all.length >= 2 && chunks.length >= 2, `results in several chunks: ${chunks.join(" ")}`);
    // Hold every stored-field chunk but the one with the best result until the head has shown.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // An engine that never shows a head would wait for ever: let the chunks go after a while then.
    setTimeout(() => release(), 10_000).unref();
    const { search } = await siteSearch(dir, (name) => (name.startsWith("d") && name !== chunks[0] ? held : undefined));
    const heads: SearchHit[][] = [];
    const done = search(
      "1234",
      () => false,
      (head) => {
        heads.push(head);
        release();
      },
    );
    assert.deepEqual(await done, all, "the complete list is unchanged");
    assert.ok(heads.length >= 1, "a head was shown before the complete list");
    for (const head of heads) {
      assert.ok(head.length >= 1 && head.length < all.length, `head of ${head.length}`);
      assert.deepEqual(head, all.slice(0, head.length), "a head is the start of the final list");
    }
  });
});

describe("versioned docs: a page per release from its own schema", () => {
  test("each release gets its page and a latest alias; old ones point to the latest; the switcher links them", async () => {
    const dir = path.join(tmp, "versioned");
    const { versions: history, calls } = versionsWithSnapshots();
    const result = await buildSite({ model: handModel, outDir: dir, versions: history });
    assert.equal(result.versionPages, 2);
    assert.equal(result.reusedVersionPages, 0);
    assert.deepEqual(calls, { c110: 1, c100: 1 });
    for (const rel of ["v/acme.shop.v1/1.0.0.html", "v/acme.shop.v1/1.1.0.html", "v/acme.shop.v1/latest.html"]) {
      assert.ok(result.pages.includes(rel), rel);
      assertNoActiveContent(rel, await read(dir, rel));
    }
    const old = await read(dir, "v/acme.shop.v1/1.0.0.html");
    assert.ok(!old.includes('id="acme.shop.v1.OrderService.WatchOrders"'), "1.0.0 is built from its own schema");
    assert.ok(old.includes('id="acme.shop.v1.OrderService.GetOrder"'));
    assert.match(
      old,
      /class="version-banner"[^>]*>You are reading <strong>acme\.shop\.v1 v1\.0\.0<\/strong>, an older release\. <a class="version-banner-latest-link" href="latest\.html">Go to the latest release, v1\.1\.0<\/a>/,
    );
    // Own types link within the page; other packages' types to the current docs; assets from the root.
    assert.ok(old.includes('href="#acme.shop.v1.GetOrderRequest"'));
    assert.ok(old.includes('href="../../packages/acme.common.v1.html#acme.common.v1.Customer"'));
    assert.ok(old.includes('href="../../assets/style.css"'));
    const latest = await read(dir, "v/acme.shop.v1/latest.html");
    assert.ok(latest.includes('id="acme.shop.v1.OrderService.WatchOrders"'));
    assert.match(latest, /<strong>acme\.shop\.v1 v1\.1\.0<\/strong> is the latest release\./);
    const head = await read(dir, "packages/acme.shop.v1.html");
    assert.ok(head.includes('<a href="../v/acme.shop.v1/1.0.0.html">v1.0.0'));
    assert.ok(head.includes('<a href="../v/acme.shop.v1/latest.html">latest release</a>'));
  });

  test("a release already rendered for the same commit is reused, not rebuilt; another commit is rebuilt", async () => {
    const dir = path.join(tmp, "versioned-reuse");
    await buildSite({ model: handModel, outDir: dir, versions: versionsWithSnapshots().versions });
    const before = await read(dir, "v/acme.shop.v1/1.0.0.html");

    const again = versionsWithSnapshots();
    const second = await buildSite({ model: handModel, outDir: dir, versions: again.versions });
    assert.deepEqual(again.calls, {}, "no snapshot model was loaded");
    assert.equal(second.reusedVersionPages, 2);
    assert.equal(await read(dir, "v/acme.shop.v1/1.0.0.html"), before);

    // A new release: the old pages are reused, their switcher lists the new version.
    const next = versionsWithSnapshots();
    const entry = next.versions[0]!;
    entry.versions.unshift({
      version: "1.2.0",
      changelog: ["More."],
      snapshot: {
        commit: "c120",
        model: async () => {
          next.calls.c120 = 1;
          return handModel;
        },
      },
    });
    const third = await buildSite({ model: handModel, outDir: dir, versions: next.versions });
    assert.deepEqual(next.calls, { c120: 1 });
    assert.equal(third.reusedVersionPages, 2);
    const reused = await read(dir, "v/acme.shop.v1/1.0.0.html");
    assert.ok(reused.includes('href="../../v/acme.shop.v1/1.2.0.html"'), "switcher lists 1.2.0");
    assert.ok(reused.includes("Go to the latest release, v1.2.0"));

    // Same version, another commit (a rebuilt history): rendered again.
    const moved = versionsWithSnapshots({ v100: "other", v110: "c110" });
    const fourth = await buildSite({ model: handModel, outDir: dir, versions: moved.versions });
    assert.deepEqual(moved.calls, { other: 1 });
    assert.equal(fourth.reusedVersionPages, 1);

    // A damaged render beside the page is not trusted: rendered again.
    await writeFile(path.join(dir, "v/acme.shop.v1/1.1.0.json"), "{not json");
    const fifth = versionsWithSnapshots({ v100: "other", v110: "c110" });
    const result = await buildSite({ model: handModel, outDir: dir, versions: fifth.versions });
    assert.deepEqual(fifth.calls, { c110: 1 });
    assert.equal(result.reusedVersionPages, 1);
  });

  test("a render that does not prove its content is rendered again: another version's copied over it, a body edited by hand", async () => {
    const dir = path.join(tmp, "versioned-proof");
    // Both releases at one commit, so only the digest (not the commit) tells the renders apart.
    const same = { v100: "c1", v110: "c1" };
    await buildSite({ model: handModel, outDir: dir, versions: versionsWithSnapshots(same).versions });
    const json = (v: string) => path.join(dir, `v/acme.shop.v1/${v}.json`);
    await writeFile(json("1.1.0"), await readFile(json("1.0.0"), "utf8"));
    const copied = versionsWithSnapshots(same);
    const afterCopy = await buildSite({ model: handModel, outDir: dir, versions: copied.versions });
    assert.equal(afterCopy.reusedVersionPages, 1, "only 1.0.0's own render is reused");
    assert.deepEqual(copied.calls, { c1: 1 });

    const edited = JSON.parse(await readFile(json("1.0.0"), "utf8")) as { body: string };
    await writeFile(json("1.0.0"), JSON.stringify({ ...edited, body: `${edited.body}<script>alert(1)</script>` }));
    const afterEdit = await buildSite({ model: handModel, outDir: dir, versions: versionsWithSnapshots(same).versions });
    assert.equal(afterEdit.reusedVersionPages, 1, "1.1.0's (rebuilt) render is reused, the edited one is not");
    assert.ok(!(await read(dir, "v/acme.shop.v1/1.0.0.html")).includes("<script>alert(1)</script>"));
  });

  test("progress: release pages, then every page written, each phase counted to its total and ended, also on failure", async () => {
    const dir = path.join(tmp, "versioned-progress");
    const events: string[] = [];
    const progress = (unit: string, total: number) => {
      events.push(`start ${unit} ${total}`);
      let done = 0;
      return { tick: () => void done++, done: () => void events.push(`done ${unit} ${done}/${total}`) };
    };
    const result = await buildSite({ model: handModel, outDir: dir, versions: versionsWithSnapshots().versions, progress });
    const pages = result.pages.length;
    assert.deepEqual(events, ["start release pages 2", "done release pages 2/2", `start pages ${pages}`, `done pages ${pages}/${pages}`]);

    events.length = 0;
    const broken = versionsWithSnapshots();
    broken.versions[0]!.versions[1]!.snapshot!.model = () => Promise.reject(new Error("schema at c100 does not compile"));
    const brokenDir = path.join(tmp, "versioned-progress-broken");
    await assert.rejects(buildSite({ model: handModel, outDir: brokenDir, versions: broken.versions, progress }), /does not compile/);
    assert.deepEqual(events, ["start release pages 2", "done release pages 1/2"]);

    events.length = 0;
    await buildSite({ model: handModel, outDir: path.join(tmp, "unversioned-progress"), progress });
    assert.deepEqual(events, ["start pages 3", "done pages 3/3"], "no release phase without releases");
  });

  test("a snapshot without a commit or model is rejected", async () => {
    const bad = [{ package: "acme.shop.v1", versions: [{ version: "1.0.0", changelog: [], snapshot: { commit: 1 } }] }];
    await assert.rejects(buildSite({ model: handModel, outDir: path.join(tmp, "bad-snap"), versions: bad as never }), DocSiteError);
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
                {
                  name: "items",
                  label: "repeated",
                  type: "ItemsEntry",
                  longType: "Bag.ItemsEntry",
                  fullType: "add.Bag.ItemsEntry",
                  ismap: true,
                  jsonName: "items",
                  hasCustomJsonName: false,
                  number: 1,
                  mapKey: { type: "int64", longType: "int64", fullType: "int64" },
                  mapValue: { type: "Bag", longType: "Bag", fullType: "add.Bag" },
                },
                { name: "a", type: "string", fullType: "string", isoneof: true, oneofdecl: "choice", jsonName: "a", number: 2 },
                { name: "b", type: "string", fullType: "string", jsonName: "bee", hasCustomJsonName: true, number: 3 },
              ],
            },
            {
              name: "ItemsEntry",
              longName: "Bag.ItemsEntry",
              fullName: "add.Bag.ItemsEntry",
              description: "",
              isMapEntry: true,
              fields: [],
            },
          ],
        },
      ],
      scalarValueTypes: [],
    } as unknown as DocModel;
    const dir = path.join(tmp, "additive");
    await buildSite({ model, outDir: dir });
    const page = await read(dir, "packages/add.html");
    assert.match(
      page,
      /<code>map&lt;<\/code><code class="type-external" title="int64">int64<\/code><code>, <\/code><a class="type-link" href="\.\.\/packages\/add\.html#add\.Bag"/,
    );
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

  test("with many packages the sidebar lists the current one and links to the index, which lists and filters all", async () => {
    const files = Array.from({ length: 160 }, (_, i) => ({ name: `p${i}.proto`, package: `pkg${i}`, messages: [] }));
    const dir = path.join(tmp, "many");
    const result = await buildSite({ model: { files }, outDir: dir });
    assert.equal(result.pages.length, 161);
    const page = await read(dir, "packages/pkg7.html");
    assert.equal((page.match(/href="\.\.\/packages\/pkg\d+\.html"/g) ?? []).length, 1);
    assert.ok(page.includes('<a href="../index.html#packages">Browse all 160 packages</a>'));
    const index = await read(dir, "index.html");
    assert.equal((index.match(/class="package-link"/g) ?? []).length, 160);
    assert.ok(index.includes('id="package-filter"') && index.includes('id="packages"'), "the index filters the full list");
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
    await assert.rejects(
      buildSite({ model: handModel, outDir: dir, versions: [{ package: "p", versions: [{ version: "1", changelog: "x" }] }] as never }),
      DocSiteError,
    );
    assert.equal(await read(dir, "marker.txt"), "old site");
    assert.equal(await read(dir, "packages/acme.shop.v1.html"), before);
    assert.deepEqual(
      (await readdir(tmp)).filter((n) => n.startsWith(".atomic.")),
      [],
    );

    // A successful rebuild replaces the whole directory.
    await buildSite({ model: loadGoldenModel(), outDir: dir });
    await assert.rejects(stat(path.join(dir, "marker.txt")), { code: "ENOENT" });
    assert.ok((await stat(path.join(dir, "packages/com.example.html"))).isFile());
    assert.deepEqual(
      (await readdir(tmp)).filter((n) => n.startsWith(".atomic.")),
      [],
    );
  });
});
