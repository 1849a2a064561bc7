// Regular expressions with RE2 semantics (linear time: a pattern such as `(a+)+$` cannot stall evaluation):
// `matches` (standard CEL, routed here instead of the evaluator's JS RegExp), and Kubernetes' `find`/`findAll`.
import { RE2JS, RE2JSException } from 're2js';
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

/** Compiled patterns, bounded so hostile inputs cannot grow it without limit. */
const cache = new Map<string, RE2JS>();
const CACHE_SIZE = 500;
/** RE2 itself bounds program size; this bounds the pattern text handed to the compiler. */
export const MAX_PATTERN_LENGTH = 10_000;

export function compileRegex(pattern: string): RE2JS {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH) throw celError(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const reason = error instanceof RE2JSException ? error.message : String(error);
    throw celError(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

export function regexMatches(value: string, pattern: string): boolean {
  return compileRegex(pattern).test(value);
}

function find(value: string, pattern: string): string {
  const matcher = compileRegex(pattern).matcher(value);
  return matcher.find() ? (matcher.group() ?? '') : '';
}

function findAll(value: string, pattern: string, limit: bigint = -1n): string[] {
  const out: string[] = [];
  if (limit === 0n) return out;
  const matcher = compileRegex(pattern).matcher(value);
  while (matcher.find()) {
    out.push(matcher.group() ?? '');
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

export const regexLibrary: CelLibrary = {
  name: 'kubernetes.regex',
  functions: [
    { signature: 'string.re2Matches(string): bool', handler: regexMatches },
    { signature: 're2Matches(string, string): bool', handler: regexMatches },
    { signature: 'string.find(string): string', handler: find },
    { signature: 'string.findAll(string): list<string>', handler: (v: string, p: string) => findAll(v, p) },
    { signature: 'string.findAll(string, int): list<string>', handler: findAll },
  ],
  renames: new Map([['matches', 're2Matches']]),
};
