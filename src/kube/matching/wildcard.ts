// Kyverno-style wildcards in names, namespaces and kinds: `*` is any run of characters, `?` one character.
// Compiled to a linear-time matcher (no backtracking regex), since patterns and subjects are user-controlled.

export type WildcardMatcher = (value: string) => boolean;

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function compileWildcard(pattern: string): WildcardMatcher {
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  if (pattern === '*') return () => true;
  return (value) => wildcardMatch(pattern, value);
}

/** Greedy matcher with single-star backtracking: O(pattern × value) worst case, no recursion. */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '?' || (c !== undefined && c !== '*' && c === value[v])) {
      p++;
      v++;
    } else if (c === '*') {
      starP = p++;
      starV = v;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
