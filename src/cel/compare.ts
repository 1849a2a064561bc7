// Ordering and equality of CEL values, for library functions (min, max, isSorted, indexOf, sets, sort).
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { celError } from './fail.js';
import { isPlainObject } from './values.js';

/** -1, 0 or 1; numbers compare across int, uint and double as Kubernetes' CrossTypeNumericComparisons do. */
export function celCompare(a: unknown, b: unknown): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Duration && b instanceof Duration) {
    const s = a.seconds - b.seconds;
    return s !== 0n ? (s < 0n ? -1 : 1) : Math.sign(a.nanos - b.nanos);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  throw celError(`no such overload: cannot compare ${typeName(a)} and ${typeName(b)}`);
}

/** Strings order by code point (as Go and RE2 do), not by UTF-16 unit. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF: they sort after every other BMP unit.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca < cb ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return Math.sign(a.length - b.length);
}

function numeric(v: unknown): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof UnsignedInt) return v.valueOf();
  return undefined;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  const fa = Number(a);
  const fb = Number(b);
  if (Number.isNaN(fa) || Number.isNaN(fb)) throw celError('NaN values cannot be ordered');
  if (fa !== fb) return fa < fb ? -1 : 1;
  // Equal as doubles: settle exactly when both are integral (e.g. 2^53+1 vs 2^53).
  if (Number.isInteger(fa) && typeof a !== typeof b) {
    const ia = typeof a === 'bigint' ? a : BigInt(a);
    const ib = typeof b === 'bigint' ? b : BigInt(b);
    return ia === ib ? 0 : ia < ib ? -1 : 1;
  }
  return 0;
}

/** CEL equality: numbers across types, lists element-wise, maps by key set and values; other types by value. */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    if (typeof na === 'number' && Number.isNaN(na)) return false;
    if (typeof nb === 'number' && Number.isNaN(nb)) return false;
    return compareNumbers(na, nb) === 0;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Duration) return b instanceof Duration && a.seconds === b.seconds && a.nanos === b.nanos;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (isMap(a) && isMap(b)) {
    const ea = mapEntries(a);
    const eb = mapEntries(b);
    if (ea.length !== eb.length) return false;
    return ea.every(([k, v]) => {
      const other = eb.find(([k2]) => celEquals(k, k2));
      return other !== undefined && celEquals(v, other[1]);
    });
  }
  const eq = (a as { equals?: (o: unknown) => boolean }).equals;
  return typeof eq === 'function' ? eq.call(a, b) : false;
}

function isMap(v: object): boolean {
  return v instanceof Map || isPlainObject(v);
}

function mapEntries(v: object): [unknown, unknown][] {
  return v instanceof Map ? [...v] : Object.entries(v);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v !== 'object') return typeof v;
  if (Array.isArray(v)) return 'list';
  if (v instanceof UnsignedInt) return 'uint';
  if (v instanceof Date) return 'timestamp';
  if (v instanceof Duration) return 'duration';
  if (v instanceof Uint8Array) return 'bytes';
  return isMap(v) ? 'map' : (v.constructor?.name ?? 'object');
}
