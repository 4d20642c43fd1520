/**
 * Splits weighted items into `count` bins of about equal total weight, deterministically: greedy
 * largest-first (each item goes to the lightest bin so far, the lowest-numbered on a tie), items
 * ordered by weight, then by name. The same items give the same bins on every machine, so CI
 * shards and plugin batches never depend on the order things were read in. Always `count` bins
 * (the last ones empty when there are fewer items); each bin keeps its items in name order.
 */
export function partition<T>(items: readonly T[], count: number, weight: (item: T) => number, name: (item: T) => string): T[][] {
  // Never more working bins than items (O(items × bins), whatever `count` is); the rest are empty.
  const bins = Array.from({ length: Math.max(1, Math.min(count, items.length)) }, () => ({ weight: 0, items: [] as T[] }));
  const byName = (a: T, b: T): number => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
  const sorted = [...items].sort((a, b) => weight(b) - weight(a) || byName(a, b));
  for (const item of sorted) {
    let lightest = bins[0]!;
    for (const bin of bins) if (bin.weight < lightest.weight) lightest = bin;
    lightest.weight += weight(item);
    lightest.items.push(item);
  }
  const filled = bins.map((b) => b.items.sort(byName));
  while (filled.length < count) filled.push([]);
  return filled;
}
