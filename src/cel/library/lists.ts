// Kubernetes' list library (isSorted, sum, min, max, indexOf, lastIndexOf), the CEL sets extension
// (sets.contains/equivalent/intersects), and the cel-go lists extension functions Kyverno's environment offers
// (slice, flatten, distinct, reverse, sort, lists.range).
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { celCompare, celEquals, typeName } from '../compare.js';
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isSorted(list: unknown[]): boolean {
  for (let i = 1; i < list.length; i++) if (celCompare(list[i - 1], list[i]) > 0) return false;
  return true;
}

function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  let acc: unknown = list[0];
  for (let i = 1; i < list.length; i++) acc = add(acc, list[i]);
  if (!(typeof acc === 'bigint' || typeof acc === 'number' || acc instanceof UnsignedInt || acc instanceof Duration)) {
    throw celError(`no such overload: sum of ${typeName(acc)}`);
  }
  return acc;
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a + b;
    if (r < INT64_MIN || r > INT64_MAX) throw celError('integer overflow');
    return r;
  }
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a instanceof UnsignedInt && b instanceof UnsignedInt) return new UnsignedInt(a.valueOf() + b.valueOf());
  if (a instanceof Duration && b instanceof Duration) return a.addDuration(b);
  throw celError(`no such overload: ${typeName(a)} + ${typeName(b)}`);
}

function extreme(name: string, sign: number) {
  return (list: unknown[]): unknown => {
    if (list.length === 0) throw celError(`${name} called on empty list`);
    let best = list[0];
    for (let i = 1; i < list.length; i++) if (celCompare(list[i], best) * sign > 0) best = list[i];
    return best;
  };
}

function indexOf(list: unknown[], item: unknown): bigint {
  for (let i = 0; i < list.length; i++) if (celEquals(list[i], item)) return BigInt(i);
  return -1n;
}

function lastIndexOf(list: unknown[], item: unknown): bigint {
  for (let i = list.length - 1; i >= 0; i--) if (celEquals(list[i], item)) return BigInt(i);
  return -1n;
}

const includesAll = (list: unknown[], sub: unknown[]) => sub.every((x) => list.some((y) => celEquals(x, y)));

function slice(list: unknown[], start: bigint, end: bigint): unknown[] {
  if (start < 0n || end < 0n) throw celError(`cannot slice(${start}, ${end}), negative indexes not supported`);
  if (start > end) throw celError(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
  if (end > BigInt(list.length)) throw celError(`cannot slice(${start}, ${end}), list is length ${list.length}`);
  return list.slice(Number(start), Number(end));
}

function flatten(list: unknown[], depth = 1n): unknown[] {
  if (depth < 0n) throw celError('level must be non-negative');
  const out: unknown[] = [];
  for (const item of list) {
    if (Array.isArray(item) && depth > 0n) out.push(...flatten(item, depth - 1n));
    else out.push(item);
  }
  return out;
}

function distinct(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of list) if (!out.some((x) => celEquals(x, item))) out.push(item);
  return out;
}

function sort(list: unknown[]): unknown[] {
  return [...list].sort(celCompare);
}

/** Bound on lists.range so an expression cannot allocate an arbitrarily large list in one call. */
const MAX_RANGE = 100_000n;

function range(n: bigint): bigint[] {
  if (n > MAX_RANGE) throw celError(`lists.range(${n}) exceeds the limit of ${MAX_RANGE}`);
  const out: bigint[] = [];
  for (let i = 0n; i < n; i++) out.push(i);
  return out;
}

/** The `sets` and `lists` namespaces. */
export class SetsNamespace {}
export class ListsNamespace {}

export const listsLibrary: CelLibrary = {
  name: 'kubernetes.lists',
  types: [
    { name: 'SetsNamespace', ctor: SetsNamespace },
    { name: 'ListsNamespace', ctor: ListsNamespace },
  ],
  constants: [
    { name: 'sets', type: 'SetsNamespace', value: new SetsNamespace() },
    { name: 'lists', type: 'ListsNamespace', value: new ListsNamespace() },
  ],
  functions: [
    { signature: 'list<A>.isSorted(): bool', handler: isSorted },
    { signature: 'list<A>.sum(): A', handler: sum },
    { signature: 'list<A>.min(): A', handler: extreme('min', -1) },
    { signature: 'list<A>.max(): A', handler: extreme('max', 1) },
    // Method names shared with the strings library are renamed there (indexOf → k8sIndexOf).
    { signature: 'list<A>.k8sIndexOf(A): int', handler: indexOf },
    { signature: 'list<A>.k8sLastIndexOf(A): int', handler: lastIndexOf },
    { signature: 'list<A>.slice(int, int): list<A>', handler: slice },
    { signature: 'list<dyn>.flatten(): list<dyn>', handler: (l: unknown[]) => flatten(l) },
    { signature: 'list<dyn>.flatten(int): list<dyn>', handler: flatten },
    { signature: 'list<A>.distinct(): list<A>', handler: distinct },
    { signature: 'list<A>.reverse(): list<A>', handler: (l: unknown[]) => [...l].reverse() },
    { signature: 'list<A>.sort(): list<A>', handler: sort },
    { signature: 'ListsNamespace.range(int): list<int>', handler: (_ns: ListsNamespace, n: bigint) => range(n) },
    { signature: 'SetsNamespace.contains(list<A>, list<A>): bool', handler: (_ns: SetsNamespace, a: unknown[], b: unknown[]) => includesAll(a, b) },
    {
      signature: 'SetsNamespace.equivalent(list<A>, list<A>): bool',
      handler: (_ns: SetsNamespace, a: unknown[], b: unknown[]) => includesAll(a, b) && includesAll(b, a),
    },
    {
      signature: 'SetsNamespace.intersects(list<A>, list<A>): bool',
      handler: (_ns: SetsNamespace, a: unknown[], b: unknown[]) => a.some((x) => b.some((y) => celEquals(x, y))),
    },
  ],
};
