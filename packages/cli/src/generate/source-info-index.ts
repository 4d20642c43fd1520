/**
 * The locations below one element of a file, for ts-proto's `SourceInfo.open(type, index)`: ts-proto
 * keeps a file's source locations by dotted path (`4.0.2.1` is field 1 of message 0) and its `open`
 * went through every key of the file each time it was called, for each message, field, enum and
 * service: quadratic in the file's locations. Here the keys are grouped by their first two path
 * segments once; each call returns a new map with what `open` returned: each location whose key
 * starts with `<type>.<index>.`, by the rest of its key.
 *
 * @example
 * const below = childLocations({ "4.0": a, "4.0.2.1": b, "4.1.2.0": c });
 * below(4, 0); // { "2.1": b }
 */
export function childLocations(sourceCode: Record<string, unknown>): (type: number, index: number) => Record<string, unknown> {
  const groups = new Map<string, [string, unknown][]>();
  for (const [key, location] of Object.entries(sourceCode)) {
    const second = key.indexOf(".", key.indexOf(".") + 1);
    if (second < 0) continue;
    const prefix = key.slice(0, second + 1);
    let group = groups.get(prefix);
    if (!group) groups.set(prefix, (group = []));
    group.push([key.slice(second + 1), location]);
  }
  return (type, index) => Object.fromEntries(groups.get(`${type}.${index}.`) ?? []);
}
