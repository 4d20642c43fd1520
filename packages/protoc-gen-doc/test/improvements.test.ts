// Improvements over Go protoc-gen-doc, each exercised through real buf and the real plugin.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import MarkdownIt from "markdown-it";
import type { DocField, DocFile, DocMessage, DocModel } from "../src/index.ts";
import { FIXTURES, Workspace, must, readProtoDir } from "./helpers.ts";

const SHOP = "shop/v1/shop.proto";
const THINGS = "editions/v1/things.proto";

function file(model: DocModel, name: string): DocFile {
  const f = model.files.find((x) => x.name === name);
  assert.ok(f, `no file ${name}`);
  return f;
}
function message(f: DocFile, longName: string): DocMessage {
  const m = f.messages.find((x) => x.longName === longName);
  assert.ok(m, `no message ${longName}`);
  return m;
}
function field(m: DocMessage, name: string): DocField {
  const x = m.fields.find((y) => y.name === name);
  assert.ok(x, `no field ${name}`);
  return x;
}
/** The markdown lines of one message section (from its anchor to the next anchor). */
function mdSection(md: string, anchor: string): string {
  const start = md.indexOf(`<a name="${anchor}"></a>`);
  assert.ok(start >= 0, `no section ${anchor}`);
  const next = md.indexOf('<a name="', start + 10);
  return md.slice(start, next < 0 ? undefined : next);
}

describe("improvements over Go protoc-gen-doc", () => {
  let ws: Workspace;
  let model: DocModel;
  let md: string;
  let html: string;
  before(async () => {
    ws = new Workspace(readProtoDir(path.join(FIXTURES, "improvements")), {
      conformanceDeps: true,
      deps: readProtoDir(path.join(FIXTURES, "deps")),
    });
    const out = await ws.generate(["json,doc.json", "markdown,doc.md", "html,doc.html"]);
    model = JSON.parse(must(out, "doc.json")) as DocModel;
    md = must(out, "doc.md");
    html = must(out, "doc.html");
  });
  after(() => ws.dispose());

  it("oneofs are shown as groups (json `oneofs`, markdown/html sections)", () => {
    const order = message(file(model, SHOP), "Order");
    assert.deepEqual(order.oneofs, [{ name: "payment", description: "How the order is paid.", fields: ["card", "voucher"] }]);
    assert.equal(order.hasOneofs, true);
    assert.equal(field(order, "card").isoneof, true);
    assert.equal(field(order, "card").oneofdecl, "payment");
    const section = mdSection(md, "shop-v1-Order");
    const [main = "", group = ""] = section.split("**oneof payment**");
    assert.doesNotMatch(main, /\| card \|/, "oneof members are not in the main table");
    assert.match(group, /\| card \| \[string\]\(#string\) \| {2}\| Card token\./);
    assert.match(group, /\| voucher \|/);
    assert.match(html, /<h4 class="oneof">oneof <code>payment<\/code>/);
  });

  it("proto3 optional: label optional, not reported as a oneof", () => {
    const shop = file(model, SHOP);
    const priority = field(message(shop, "Order"), "priority");
    assert.equal(priority.label, "optional");
    assert.equal(priority.isoneof, false);
    assert.equal(priority.oneofdecl, "");
    const opt = message(shop, "Opt");
    assert.equal(opt.hasOneofs, false, "the synthetic oneof does not count");
    assert.deepEqual(opt.oneofs, []);
    assert.match(mdSection(md, "shop-v1-Order"), /\| priority \| \[int32\]\(#int32\) \| optional \|/);
  });

  it("map fields: map<K, V> in markdown/html, the entry message is kept in json (flagged) but not rendered", () => {
    const shop = file(model, SHOP);
    const items = field(message(shop, "Order"), "items");
    // Go-compatible core keys...
    assert.equal(items.ismap, true);
    assert.equal(items.label, "repeated");
    assert.equal(items.longType, "Order.ItemsEntry");
    // ...plus the key and value types.
    assert.deepEqual(items.mapKey, { type: "string", longType: "string", fullType: "string" });
    assert.deepEqual(items.mapValue, { type: "Item", longType: "Item", fullType: "shop.v1.Item" });
    const entry = message(shop, "Order.ItemsEntry");
    assert.equal(entry.isMapEntry, true);
    assert.deepEqual(
      entry.fields.map((f) => [f.name, f.type]),
      [
        ["key", "string"],
        ["value", "Item"],
      ],
    );
    assert.equal(message(shop, "Order").isMapEntry, false);

    assert.match(md, /\| items \| map&lt;\[string\]\(#string\), \[Item\]\(#shop-v1-Item\)&gt; \| {2}\| Items by SKU\. \|/);
    assert.match(md, /\| history \| map&lt;\[int64\]\(#int64\), \[Status\]\(#shop-v1-Status\)&gt; \|/);
    assert.doesNotMatch(md, /ItemsEntry|HistoryEntry/);
    assert.doesNotMatch(html, /ItemsEntry|HistoryEntry/);
    assert.match(html, /map&lt;<a href="#string">string<\/a>, <a href="#shop-v1-Item">Item<\/a>&gt;/);
  });

  it("editions files are accepted; labels come from field presence", () => {
    const things = file(model, THINGS);
    assert.equal(things.syntax, "editions");
    assert.equal(things.edition, "2023");
    assert.equal(things.description, "Editions file.");
    const thing = message(things, "Thing");
    const labels = Object.fromEntries(thing.fields.map((f) => [f.name, f.label]));
    assert.deepEqual(labels, {
      explicit: "optional",
      implicit: "",
      required_one: "required",
      tags: "repeated",
      child: "optional",
      with_default: "optional",
    });
    assert.equal(field(thing, "with_default").defaultValue, "7");
    assert.equal(file(model, SHOP).syntax, "proto3");
  });

  it("multi-line comments stay inside their markdown table row", () => {
    const note = field(message(file(model, SHOP), "Order"), "note");
    assert.equal(note.description, "A long comment\nspanning several lines\n\nwith a second paragraph | pipe.");
    const row = md.split("\n").filter((l) => l.startsWith("| note |"));
    assert.deepEqual(row, [
      "| note | [string](#string) |  | A long comment spanning several lines<br><br>with a second paragraph \\| pipe. |",
    ]);
    // Rendered, the whole comment is one cell of the Order table, and the table has all its rows.
    const rendered = new MarkdownIt({ html: true }).render(mdSection(md, "shop-v1-Order"));
    assert.match(rendered, /<td>A long comment spanning several lines<br><br>with a second paragraph \| pipe\.<\/td>/);
    const firstTable = rendered.slice(rendered.indexOf("<table>"), rendered.indexOf("</table>"));
    assert.equal(firstTable.match(/<tr>/g)?.length, 1 + 5, "header + id, items, priority, note, history");
  });

  it("json_name is shown", () => {
    const id = field(message(file(model, SHOP), "Order"), "id");
    assert.equal(id.jsonName, "orderId");
    assert.equal(id.hasCustomJsonName, true);
    assert.equal(field(message(file(model, SHOP), "Order"), "note").hasCustomJsonName, false);
    assert.match(md, /\| id<br>json: orderId \|/);
    assert.match(html, /<td>id<br><small>json: orderId<\/small><\/td>/);
  });

  it("custom options, protovalidate and PGV validate rules are shown", () => {
    const order = message(file(model, SHOP), "Order");
    assert.deepEqual(order.options, { "shop.v1.owner": { team: "payments", emails: ["a@example.com", "b@example.com"] } });
    assert.deepEqual(field(order, "id").options, { "buf.validate.field": [{ name: "string.min_len", value: 3 }] });
    assert.deepEqual(field(order, "card").options, { "shop.v1.sensitivity": "secret" });
    assert.deepEqual(field(order, "voucher").options, { "validate.rules": [{ name: "string.max_len", value: 10 }] });
    const section = mdSection(md, "shop-v1-Order");
    assert.match(section, /buf\.validate\.field: min_len: 3/);
    assert.match(section, /shop\.v1\.sensitivity: secret/);
    assert.match(section, /validate\.rules: max_len: 10/);
    assert.match(section, /Options: shop\.v1\.owner: /);
    assert.match(html, /<li><code>validate\.rules: max_len: 10<\/code><\/li>/);
  });
});

describe("output layout options", () => {
  let ws: Workspace;
  before(() => {
    ws = new Workspace(readProtoDir(path.join(FIXTURES, "improvements")), {
      conformanceDeps: true,
      deps: readProtoDir(path.join(FIXTURES, "deps")),
    });
  });
  after(() => ws.dispose());

  it("sorts by long name by default, keeps declaration order with declaration_order=true", async () => {
    const out = await ws.generate(["json,sorted.json", "json,decl.json::declaration_order=true"]);
    const names = (name: string): string[] => file(JSON.parse(must(out, name)) as DocModel, SHOP).messages.map((m) => m.longName);
    assert.deepEqual(names("sorted.json"), ["Item", "Opt", "Order", "Order.HistoryEntry", "Order.ItemsEntry", "Owner"]);
    assert.deepEqual(names("decl.json"), ["Owner", "Order", "Order.ItemsEntry", "Order.HistoryEntry", "Item", "Opt"]);
  });

  it("file_per_proto=true writes one document per .proto", async () => {
    const out = await ws.generate(["markdown,docs.md::file_per_proto=true"]);
    assert.deepEqual([...out.keys()].sort(), ["editions/v1/things.md", "shop/v1/shop.md"]);
    assert.match(must(out, "shop/v1/shop.md"), /## shop\/v1\/shop\.proto/);
    assert.doesNotMatch(must(out, "shop/v1/shop.md"), /things\.proto/);
    assert.match(must(out, "editions/v1/things.md"), /### Thing/);
  });

  it("source_relative writes one document per directory", async () => {
    const out = await ws.generate(["json,index.json,source_relative"]);
    assert.deepEqual([...out.keys()].sort(), ["editions/v1/index.json", "shop/v1/index.json"]);
    const shop = JSON.parse(must(out, "shop/v1/index.json")) as DocModel;
    assert.deepEqual(
      shop.files.map((f) => f.name),
      [SHOP],
    );
  });

  it("camel_case_fields=true shows JSON names", async () => {
    const out = await ws.generate(["json,camel.json::camel_case_fields=true"]);
    const order = message(file(JSON.parse(must(out, "camel.json")) as DocModel, SHOP), "Order");
    assert.deepEqual(
      order.fields.map((f) => f.name),
      ["orderId", "items", "priority", "card", "voucher", "note", "history"],
    );
    assert.deepEqual(order.oneofs[0]?.fields, ["card", "voucher"]);
  });
});
