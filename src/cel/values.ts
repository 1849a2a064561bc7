// Conversion between JSON-like JavaScript values and the evaluator's CEL values.
//
// In:  integral numbers become CEL `int` (BigInt), other numbers CEL `double` — the way the API server decodes
//      JSON into unstructured objects (int64 when the number is integral, float64 otherwise). Map entries whose
//      value is null or undefined are dropped, as a round-trip through the typed API objects drops them: `has()`
//      is false and selecting the field is a no-such-key error. Nulls inside lists stay null. Strings, booleans,
//      Date (→ timestamp) and Uint8Array (→ bytes) pass through, and so do instances of library types. The result
//      of converting an object is cached for that object (the root only: caching every nested object cost five
//      times the conversion itself), so the same unmodified object evaluated by many expressions is converted
//      once. Inputs are never modified; unchanged parts of them are shared with the result.
// Out: int/uint become JS numbers when they are safe integers (BigInt otherwise), maps become plain objects,
//      optionals unwrap (none → undefined), timestamps become RFC 3339 strings, durations CEL's "<seconds>s" form.
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';

const converted = new WeakMap<object, unknown>();

const SMALL_INTS: (bigint | undefined)[] = new Array(16_384);

/** Bound on nesting of input values: deeper objects are rejected rather than recursed into. */
export const MAX_VALUE_DEPTH = 100;

export class CelValueError extends Error {
  override readonly name = 'CelValueError';
}

export function toCelValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !isJsonContainer(value)) return convert(value, 0);
  let out = converted.get(value);
  if (out === undefined) converted.set(value, (out = convert(value, 0)));
  return out;
}

/**
 * toCelValue without the per-object cache, for callers that keep the result themselves: with many objects alive,
 * the cache's bookkeeping costs the collector more than converting does.
 */
export function convertToCel(value: unknown): unknown {
  return convert(value, 0);
}

/** A value, `depth` levels into the object being converted, as a CEL value. */
export function convert(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isInteger(value)) return value;
      // Ports, counts, seconds, ids: small ints are converted once and shared (BigInts are immutable values).
      return value >= 0 && value < SMALL_INTS.length ? (SMALL_INTS[value] ??= BigInt(value)) : BigInt(value);
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'undefined':
      return null;
    case 'object':
      if (value === null || !isJsonContainer(value)) return value;
      if (depth >= MAX_VALUE_DEPTH) throw new CelValueError(`value nests deeper than ${MAX_VALUE_DEPTH} levels`);
      return Array.isArray(value) ? convertList(value, depth + 1) : value instanceof Map ? convertMap(value, depth + 1) : convertObject(value, depth + 1);
    default:
      throw new CelValueError(`a ${typeof value} cannot be a CEL value`);
  }
}

// Lists and objects are copied only when something in them changes (an integral number, a null entry): the rest of
// the input is shared with the evaluator, which never modifies values. Most of a manifest (names, images, labels,
// environment) is strings, so most of it is not copied.

function convertList(value: readonly unknown[], depth: number): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const out = convert(item, depth);
    if (copy) copy[i] = out;
    else if (out !== item || !(i in value)) (copy = value.slice(0, i))[i] = out;
  }
  return copy ?? value;
}

function convertMap(value: Map<unknown, unknown>, depth: number): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  for (const [k, v] of value) if (v !== null && v !== undefined) map.set(convert(k, depth), convert(v, depth));
  return map;
}

function convertObject(value: object, depth: number): object {
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  // for…in with an own-property check rather than Object.keys: no array of keys per object.
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const v = source[key];
    const out = v === null || v === undefined ? undefined : convert(v, depth);
    if (!copy) {
      if (out === v && v !== undefined) continue;
      copy = copyBefore(source, key);
    }
    if (out !== undefined) copy[key] = out;
  }
  return copy ?? value;
}

/**
 * The prototype of converted maps: empty, frozen, with no prototype itself, so no inherited key can be reached
 * from an expression and a `__proto__` key is an ordinary entry. (Unlike Object.create(null), objects created
 * from it keep V8's fast property layout, which expressions read many times.)
 */
const MAP_PROTOTYPE: object = Object.freeze(Object.create(null));

/**
 * Whether plain objects inherit a property of this name (`constructor`, `toString`…): an entry of that name must be
 * checked to be an object's own.
 */
export function inheritedByPlainObjects(key: string): boolean {
  return key in Object.prototype;
}

/** A new, empty map as conversion makes them. */
export function newCelMap(): Record<string, unknown> {
  return Object.create(MAP_PROTOTYPE) as Record<string, unknown>;
}

/** A plain object the evaluator reads as a CEL map (a JSON object, or a map conversion made). */
export function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || proto === MAP_PROTOTYPE;
}

/** The entries of an object before `stop`, in a new CEL map. */
function copyBefore(source: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy = newCelMap();
  for (const key in source) {
    if (key === stop) break;
    if (Object.hasOwn(source, key)) copy[key] = source[key];
  }
  return copy;
}

/** Arrays, Maps and plain objects are converted; anything else (Date, bytes, library values) is already a CEL value. */
export function isJsonContainer(value: object): boolean {
  return Array.isArray(value) || value instanceof Map || isPlainObject(value);
}


export function fromCelValue(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return bigintToJs(value);
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(fromCelValue);
  if (value instanceof Optional) return value.hasValue() ? fromCelValue(value.value()) : undefined;
  if (value instanceof UnsignedInt) return bigintToJs(value.valueOf());
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Duration) return value.toString();
  if (value instanceof Uint8Array) return value;
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(fromCelValue(k))] = fromCelValue(v);
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromCelValue(v);
    return out;
  }
  return typeof (value as { toString?: unknown }).toString === 'function' ? String(value) : value;
}

function bigintToJs(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
