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
