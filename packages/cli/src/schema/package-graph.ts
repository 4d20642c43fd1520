/**
 * The one dependency walk over proto packages (and the npm packages and files that stand for
 * them): nodes named by a key, each naming the keys it depends on. protoc forbids import cycles;
 * should one appear anyway, it is broken rather than followed forever.
 */

/**
 * `nodes` ordered so each comes after the nodes it depends on; ties in key order. Dependencies
 * that are not among `nodes` are ignored.
 */
export function dependencyOrder<T>(nodes: readonly T[], keyOf: (node: T) => string, dependsOn: (node: T) => readonly string[]): T[] {
  const byKey = new Map(nodes.map((n) => [keyOf(n), n]));
  const entered = new Set<string>();
  const out: T[] = [];
  const visit = (node: T): void => {
    const key = keyOf(node);
    if (entered.has(key)) return;
    entered.add(key);
    for (const dep of dependsOn(node)) {
      const d = byKey.get(dep);
      if (d) visit(d);
    }
    out.push(node);
  };
  for (const node of [...nodes].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) visit(node);
  return out;
}

/**
 * Every key reachable from `start` (`start` included), through `dependsOn`, which returns
 * undefined (or nothing) for a key it does not know; unknown keys are part of the result.
 */
export function closure(start: Iterable<string>, dependsOn: (key: string) => readonly string[] | undefined): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of dependsOn(key) ?? []) visit(dep);
  };
  for (const key of start) visit(key);
  return seen;
}

/**
 * Runs `task` once for every node, each only after the nodes it depends on (among `nodes`) have
 * finished, at most `concurrency` at once; independent nodes run in parallel. The first failure
 * stops new tasks from starting; the tasks already running are awaited, then it is rethrown.
 * Cycles are broken as in {@link dependencyOrder}: a node waits only for nodes before it in that order.
 */
export async function runInDependencyOrder<T>(
  nodes: readonly T[],
  keyOf: (node: T) => string,
  dependsOn: (node: T) => readonly string[],
  concurrency: number,
  task: (node: T) => Promise<void>,
): Promise<void> {
  const order = dependencyOrder(nodes, keyOf, dependsOn);
  const position = new Map(order.map((n, i) => [keyOf(n), i]));
  // Each node waits for its dependencies that come earlier in the order (a cycle's back edge is dropped).
  const waitsFor = order.map((n, i) => new Set(dependsOn(n).filter((d) => (position.get(d) ?? i) < i)));
  const done = new Set<string>();
  const started = new Set<number>();
  const limit = Math.max(1, Math.floor(concurrency));
  let running = 0;
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (running === 0 && (failure || started.size === order.length)) {
        resolve();
        return;
      }
      if (failure) return;
      for (let i = 0; i < order.length && running < limit; i++) {
        if (started.has(i) || [...waitsFor[i]!].some((d) => !done.has(d))) continue;
        started.add(i);
        running++;
        const node = order[i]!;
        task(node).then(
          () => {
            done.add(keyOf(node));
            running--;
            pump();
          },
          (error: unknown) => {
            failure ??= { error };
            running--;
            pump();
          },
        );
      }
    };
    pump();
  });
  if (failure) throw failure.error;
}
