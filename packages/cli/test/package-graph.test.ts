import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runInDependencyOrder } from "../src/schema/package-graph.ts";

interface Node {
  name: string;
  deps: string[];
}

/** A task whose completion the test decides: records starts, finishes when released. */
function controlled() {
  const started: string[] = [];
  const finished: string[] = [];
  const release = new Map<string, (error?: Error) => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const waiters: Array<() => void> = [];
  const task = (node: Node) =>
    new Promise<void>((resolve, reject) => {
      started.push(node.name);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      release.set(node.name, (error) => {
        inFlight--;
        finished.push(node.name);
        if (error) reject(error);
        else resolve();
      });
      for (const w of waiters.splice(0)) w();
    });
  /** Resolves once `name` has started (its task was called). */
  const whenStarted = async (name: string) => {
    while (!release.has(name)) await new Promise<void>((r) => waiters.push(r));
  };
  return { task, started, finished, release, whenStarted, max: () => maxInFlight };
}

const run = (nodes: Node[], concurrency: number, task: (n: Node) => Promise<void>) =>
  runInDependencyOrder(
    nodes,
    (n) => n.name,
    (n) => n.deps,
    concurrency,
    task,
  );

describe("runInDependencyOrder", () => {
  const graph: Node[] = [
    { name: "search", deps: ["files", "common"] },
    { name: "files", deps: ["common"] },
    { name: "common", deps: [] },
    { name: "health", deps: [] },
    { name: "probe", deps: ["common"] },
  ];

  it("runs independent nodes in parallel, each after its dependencies, never more than the limit at once", async () => {
    const c = controlled();
    const all = run(graph, 2, c.task);
    await c.whenStarted("common");
    await c.whenStarted("health");
    assert.deepEqual(c.started.sort(), ["common", "health"], "the two nodes without dependencies start together");
    c.release.get("common")!();
    await c.whenStarted("files");
    assert.equal(c.started.length, 3, "one slot freed, one more started");
    assert.ok(!c.started.includes("search"), "search waits for files");
    c.release.get("health")!();
    await c.whenStarted("probe");
    c.release.get("files")!();
    await c.whenStarted("search");
    c.release.get("probe")!();
    c.release.get("search")!();
    await all;
    assert.equal(c.max(), 2);
    assert.deepEqual(c.finished, ["common", "health", "files", "probe", "search"]);
  });

  it("with a limit of 1 runs in dependency order", async () => {
    const order: string[] = [];
    await run(graph, 1, async (n) => {
      order.push(n.name);
    });
    assert.deepEqual(order, ["common", "files", "health", "probe", "search"]);
  });

  it("a failure starts nothing more, waits for the running tasks, and is rethrown", async () => {
    const c = controlled();
    const all = run(graph, 2, c.task);
    await c.whenStarted("health");
    c.release.get("common")!(new Error("tsc failed in common"));
    // health is still running: the run waits for it before rejecting.
    let settled = false;
    all.catch(() => {}).finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    c.release.get("health")!();
    await assert.rejects(all, /tsc failed in common/);
    assert.deepEqual(c.started.sort(), ["common", "health"], "nothing started after the failure");
  });
});
