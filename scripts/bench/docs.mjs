// Benchmark of the docs site on the google-proto-files corpus: `protoship docs` (buf image →
// protoc-gen-doc model → static site with a search index) side by side with ts-proto generation of
// the same corpus through `buf generate`, then the time a search takes in headless Chromium.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUF, CACHE, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { expectExit, fmt, timeCommand } from "./timing.mjs";
import { ROOT } from "../lib.mjs";

/** Runs the benchmark and returns a Markdown section. */
export async function bench() {
  const repo = corpusRepo("docs");
  const siteDir = path.join(CACHE, "docs-site");
  // Whole-corpus runs take minutes each (ts-proto alone needs a 12 GB heap): they run once.
  const heavyRuns = 1;
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  const docs = expectExit(
    timeCommand(process.execPath, [PROTOSHIP, "docs", "-o", siteDir], { cwd: repo.dir, runs: heavyRuns, warmup: 0 }),
    "protoship docs",
  );

  // BENCH_DOCS_TS_PROTO=0 skips the ts-proto comparison (minutes of CPU and a 12 GB heap).
  const tsProto = process.env.BENCH_DOCS_TS_PROTO === "0" ? undefined : tsProtoGenerate(repo, heavyRuns);

  const size = siteSize(siteDir);
  const loadSearch = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  const summary = /docs site: (\d+) pages, (\d+) searchable elements, (\d+) files/.exec(docs.last.stdout);
  const search = await searchTimes(siteDir);
  return [
    `## Docs site for the whole corpus (${repo.count} protos)`,
    "",
    `One run each (whole-corpus runs take minutes), wall clock. Site: ${summary?.[1]} pages, ${summary?.[2]} searchable elements from ${summary?.[3]} files, built without error.`,
    "",
    "| what | command | time | vs ts-proto |",
    "| --- | --- | ---: | ---: |",
    `| protoship docs (compile + model + site + search index) | \`protoship docs\` | ${fmt(docs.median)} | ${tsProto ? `${(tsProto.median / docs.median).toFixed(1)}× faster` : "not run"} |`,
    ...(tsProto
      ? [
          `| ts-proto generation of the same corpus | \`buf generate\` with protoc-gen-ts_proto | ${fmt(tsProto.median)} | 1.0× |`,
          "",
          `protoship docs builds the site for the whole corpus **${(tsProto.median / docs.median).toFixed(1)}× faster** than ts-proto generates stubs for it.`,
        ]
      : ["", "The ts-proto comparison was skipped in this run (`BENCH_DOCS_TS_PROTO=0`)."]),
    "",
    "Search in headless Chromium (Debian chromium via playwright-core), site served from 127.0.0.1, time from the last keystroke to the first result on screen:",
    "",
    "| query | first search (cold page) | bytes transferred before the first result | next search (warm) |",
    "| --- | ---: | ---: | ---: |",
    ...search.map((s) => `| \`${s.query}\` | ${s.cold.toFixed(0)} ms | ${mb(s.coldBytes)} | ${s.warm.toFixed(0)} ms |`),
    "",
    `The search index is sharded (\`assets/search/\`: a manifest, sorted term shards, stored fields in chunks, loaded as scripts on demand).`,
    `Site size: ${mb(size.total)} in ${size.files} files, of which the search index ${mb(size.search)} in ${size.searchFiles} files.`,
    `Machine load (1/5/15 min averages) before the build: ${loadBefore}; before the search runs: ${loadSearch} (a shared machine: other work was running).`,
  ].join("\n");
}

async function searchTimes(siteDir) {
  // run.mjs runs under tsx, so the TypeScript testkit is importable here.
  const { launchChromium, serveStatic } = await import("../../packages/testkit/src/index.ts");
  const site = await serveStatic(siteDir);
  const browser = await launchChromium();
  const results = [];
  try {
    for (const [query, next] of [
      ["CreateInstance", "ListInstances"],
      ["ReadRows", "MutateRows"],
    ]) {
      const page = await browser.newPage();
      // Bytes of every response body since navigation (page, styles, scripts, search files).
      let bytes = 0;
      const counted = [];
      page.on("requestfinished", (req) =>
        counted.push(
          req.sizes().then(
            (s) => (bytes += s.responseBodySize),
            () => undefined,
          ),
        ),
      );
      await page.goto(`${site.url}index.html`);
      // Replace the query by keyboard (select all, type) and wait for a result naming it.
      const measure = async (q) => {
        await page.locator("#search-input").click();
        await page.keyboard.press("Control+A");
        await page.keyboard.type(q);
        const start = await page.evaluate(() => performance.now());
        await page.locator(".search-result", { hasText: q }).first().waitFor({ state: "visible", timeout: 120_000 });
        return (await page.evaluate(() => performance.now())) - start;
      };
      const cold = await measure(query);
      await Promise.all(counted);
      const coldBytes = bytes;
      const warm = await measure(next);
      results.push({ query: `${query}, then ${next}`, cold, warm, coldBytes });
      await page.close();
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return results;
}

const mb = (n) => `${(n / 2 ** 20).toFixed(2)} MB`;

/** Total bytes and files of the site, and of its search index (assets/search). */
function siteSize(siteDir) {
  const out = { total: 0, files: 0, search: 0, searchFiles: 0 };
  for (const entry of readdirSync(siteDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const size = statSync(file).size;
    out.total += size;
    out.files += 1;
    if (path.relative(siteDir, file).startsWith(`assets${path.sep}search${path.sep}`)) {
      out.search += size;
      out.searchFiles += 1;
    }
  }
  return out;
}

/** ts-proto generation of the whole corpus through `buf generate`, for comparison. */
function tsProtoGenerate(repo, runs) {
  const genDir = path.join(CACHE, "ts-proto-out");
  const template = path.join(CACHE, "buf.gen.ts-proto.yaml");
  writeFileSync(
    template,
    `version: v2\nplugins:\n  - local: ${path.join(ROOT, "node_modules/.bin/protoc-gen-ts_proto")}\n    out: ${genDir}\n    opt: [outputServices=grpc-js, esModuleInterop=true, forceLong=bigint, importSuffix=.js, env=node]\n`,
  );
  rmSync(genDir, { recursive: true, force: true });
  mkdirSync(genDir, { recursive: true });
  // ts-proto holds the whole request in memory: the default heap is too small for the corpus.
  const tsProto = expectExit(
    timeCommand(BUF, ["generate", "--template", template], {
      cwd: repo.dir,
      runs,
      warmup: 0,
      env: { NODE_OPTIONS: "--max-old-space-size=12288" },
    }),
    "buf generate (ts-proto)",
  );
  return tsProto;
}
