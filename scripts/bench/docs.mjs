// Benchmark of the docs site on the google-proto-files corpus: `protoship docs` (buf image →
// protoc-gen-doc model → static site with a search index) side by side with ts-proto generation of
// the same corpus through `buf generate`, then the time a search takes in headless Chromium.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUF, CACHE, PROTOSHIP, corpusRepo } from "./corpus.mjs";
import { expectExit, fmt, timeCommand } from "./timing.mjs";
import { ROOT } from "../lib.mjs";

/**
 * Runs the benchmark and returns a Markdown section. BENCH_DOCS_SITE=<dir> skips the build and
 * times only the searches on a site built before (the build takes minutes on a busy machine).
 */
export async function bench() {
  if (process.env.BENCH_DOCS_SITE) return searchOnly(path.resolve(process.env.BENCH_DOCS_SITE));
  const repo = corpusRepo("docs");
  // `protoship docs -o` takes a path inside the repository (the clone is made afresh each run).
  const siteDir = path.join(repo.dir, "site");
  // Whole-corpus runs take minutes each (ts-proto alone needs a 12 GB heap): they run once.
  const heavyRuns = 1;
  const loadBefore = loadAverages();
  const docs = expectExit(
    timeCommand(process.execPath, [PROTOSHIP, "docs", "-o", "site"], { cwd: repo.dir, runs: heavyRuns, warmup: 0 }),
    "protoship docs",
  );

  // BENCH_DOCS_TS_PROTO=0 skips the ts-proto comparison (minutes of CPU and a 12 GB heap).
  const tsProto = process.env.BENCH_DOCS_TS_PROTO === "0" ? undefined : tsProtoGenerate(repo, heavyRuns);

  const size = siteSize(siteDir);
  const loadSearch = loadAverages();
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
    ...searchTable(search),
    "",
    `The search index is sharded (\`assets/search/\`: a manifest, sorted term shards, stored fields in chunks, loaded as scripts on demand).`,
    `Site size: ${mb(size.total)} in ${size.files} files, of which the search index ${mb(size.search)} in ${size.searchFiles} files.`,
    `Machine load (1/5/15 min averages) before the build: ${loadBefore}; before the search runs: ${loadSearch} (a shared machine: other work was running).`,
  ].join("\n");
}

/** The search part alone, on a site built before. */
async function searchOnly(siteDir) {
  const size = siteSize(siteDir);
  const loadSearch = loadAverages();
  const search = await searchTimes(siteDir);
  return [
    "## Docs site search (on a site built before)",
    "",
    ...searchTable(search),
    "",
    `Site: \`${siteDir}\`, ${mb(size.total)} in ${size.files} files, of which the search index ${mb(size.search)} in ${size.searchFiles} files.`,
    `Machine load (1/5/15 min averages) before the search runs: ${loadSearch}; after: ${loadAverages()}.`,
  ].join("\n");
}

const loadAverages = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

/** Queries of the search benchmark: a first one on a fresh page, then the next on the same page. */
const SEARCHES = [
  ["CreateInstance", "ListInstances"],
  ["ReadRows", "MutateRows"],
];
/** Pause between keystrokes of the "typed at reading speed" warm search (about 5 keys a second). */
const KEY_DELAY_MS = 200;

/**
 * Records, in the page's own clock, each keystroke in the search box and each change of the
 * results list (with the next animation frame: when it is on screen), so a search is timed from
 * its last keystroke without the browser-to-driver round trips.
 */
function recordSearchTimeline() {
  performance.setResourceTimingBufferSize(1_000_000);
  const log = { keys: [], shown: [] };
  window.__searchTimeline = log;
  document.addEventListener("input", (ev) => ev.target.id === "search-input" && log.keys.push(performance.now()), true);
  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.getElementById("search-results");
    if (!panel) return;
    new MutationObserver(() => {
      const entry = { at: performance.now(), onScreen: 0, texts: [...panel.querySelectorAll(".search-result")].map((r) => r.textContent) };
      log.shown.push(entry);
      requestAnimationFrame(() => (entry.onScreen = performance.now()));
    }).observe(panel, { childList: true });
  });
}

/**
 * Reads the timeline of the search typed since `since`: milliseconds from its last keystroke to
 * the first results list naming `query` on screen, and the index files (term shards `t*`, stored
 * fields `d*`) requested while it was typed and after its last keystroke.
 */
function readSearchTimeline({ since, query }) {
  const log = window.__searchTimeline;
  const keys = log.keys.filter((t) => t >= since);
  const last = keys[keys.length - 1];
  const shown = log.shown.find((s) => s.at >= last && s.onScreen > 0 && s.texts.some((t) => t.includes(query)));
  const files = performance
    .getEntriesByType("resource")
    .filter((e) => e.startTime >= since && /\/assets\/search\/[td]\d+\.js$/.test(e.name));
  return {
    ms: shown.onScreen - last,
    whileTyping: files.filter((e) => e.startTime < last).length,
    afterLastKey: files.filter((e) => e.startTime >= last && e.startTime <= shown.at).length,
  };
}

async function searchTimes(siteDir) {
  // run.mjs runs under tsx, so the TypeScript testkit is importable here.
  const { launchChromium, serveStatic } = await import("../../packages/testkit/src/index.ts");
  const site = await serveStatic(siteDir);
  const browser = await launchChromium();
  const results = [];
  try {
    for (const [query, next] of SEARCHES) {
      const row = { query: `${query}, then ${next}` };
      for (const [delay, warmKey] of [
        [0, "warm"],
        [KEY_DELAY_MS, "warmSlow"],
      ]) {
        const page = await browser.newPage();
        await page.addInitScript(recordSearchTimeline);
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
          const since = await page.evaluate(() => performance.now());
          await page.locator("#search-input").click();
          await page.keyboard.press("Control+A");
          await page.keyboard.type(q, { delay });
          await page.locator(".search-result", { hasText: q }).first().waitFor({ state: "visible", timeout: 120_000 });
          await page.waitForFunction(() => window.__searchTimeline.shown.every((s) => s.onScreen > 0));
          return page.evaluate(readSearchTimeline, { since, query: q });
        };
        const cold = await measure(query);
        await Promise.all(counted);
        if (delay === 0) Object.assign(row, { cold: cold.ms, coldBytes: bytes });
        row[warmKey] = await measure(next);
        await page.close();
      }
      results.push(row);
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return results;
}

/** The search table of the report. */
function searchTable(search) {
  const files = (w) => `${w.whileTyping} / ${w.afterLastKey}`;
  return [
    "Search in headless Chromium (Debian chromium via playwright-core), site served from 127.0.0.1, time from the last keystroke to the first result on screen (measured in the page: the keystroke's input event to the animation frame after the results list changed).",
    `Each query is typed key by key into the search box, at once (as fast as the driver sends keys) and, on a fresh page, at ${KEY_DELAY_MS} ms a key (about a person's typing speed).`,
    'The "index files" columns count the term shards and stored-field chunks the warm search requested while its query was typed / after its last keystroke.',
    "",
    "| query | first search (cold page) | bytes transferred before the first result | next search (warm), typed at once | index files | next search (warm), typed at " +
      `${KEY_DELAY_MS} ms a key | index files |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...search.map(
      (s) =>
        `| \`${s.query}\` | ${s.cold.toFixed(0)} ms | ${mb(s.coldBytes)} | ${s.warm.ms.toFixed(0)} ms | ${files(s.warm)} | ` +
        `${s.warmSlow.ms.toFixed(0)} ms | ${files(s.warmSlow)} |`,
    ),
  ];
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
