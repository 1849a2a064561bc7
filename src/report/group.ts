// Grouping results by resource or by any key, holding indices rather than copies so grouping a large run costs one
// small array per group.
import type { PolicyResult } from '../policy/result.js';

export function groupIndices(results: readonly PolicyResult[], keyOf: (r: PolicyResult) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < results.length; i++) {
    const key = keyOf(results[i]!);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  return groups;
}

/** One document of one file: the same object scanned from two places is two groups. */
export function resourceKey(r: PolicyResult): string {
  const s = r.source;
  const ref = r.resource;
  return [s?.file ?? '', s?.line ?? '', s?.template ?? '', ref?.apiVersion ?? '', ref?.kind ?? '', ref?.namespace ?? '', ref?.name ?? ''].join('\u0000');
}

/** Runs of consecutive results about the same resource (or input location), as a scan produces them. */
export function* consecutiveGroups(results: readonly PolicyResult[]): Generator<readonly PolicyResult[]> {
  let start = 0;
  let key = '';
  for (let i = 0; i < results.length; i++) {
    const next = resourceKey(results[i]!);
    if (i > start && next !== key) {
      yield results.slice(start, i);
      start = i;
    }
    key = next;
  }
  if (start < results.length) yield results.slice(start);
}
