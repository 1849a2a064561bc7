// Conversion between JSON-like JavaScript values and the evaluator's CEL values.
//
// In:  integral numbers become CEL `int` (BigInt), other numbers CEL `double` — the way the API server decodes
//      JSON into unstructured objects (int64 when the number is integral, float64 otherwise). Map entries whose
//      value is null or undefined are dropped, as a round-trip through the typed API objects drops them: `has()`
//      is false and selecting the field is a no-such-key error. Nulls inside lists stay null. Strings, booleans,
//      Date (→ timestamp) and Uint8Array (→ bytes) pass through. Converted objects are cached per input object,
//      so the same (unmodified) object evaluated by many expressions is converted once.
// Out: int/uint become JS numbers when they are safe integers (BigInt otherwise), maps become plain objects,
//      optionals unwrap (none → undefined), timestamps become RFC 3339 strings, durations CEL's "<seconds>s" form.
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';

const converted = new WeakMap<object, unknown>();
const passThrough = new WeakSet<object>();

/** Marks an object as already holding CEL values (e.g. lazily evaluated variables): toCelValue leaves it as is. */
export function markPassThrough<T extends object>(value: T): T {
  passThrough.add(value);
  return value;
}

/** Bound on nesting of input values: deeper objects are rejected rather than recursed into. */
export const MAX_VALUE_DEPTH = 100;

export class CelValueError extends Error {
  override readonly name = 'CelValueError';
}

export function toCelValue(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? BigInt(value) : value;
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'undefined':
      return null;
    case 'object':
      return objectToCel(value, depth);
    default:
      throw new CelValueError(`a ${typeof value} cannot be a CEL value`);
  }
}

function objectToCel(value: object | null, depth: number): unknown {
  if (value === null) return null;
  if (value instanceof Date || value instanceof Uint8Array || value instanceof Optional) return value;
  if (value instanceof Duration || value instanceof UnsignedInt || passThrough.has(value)) return value;
  const cached = converted.get(value);
  if (cached !== undefined) return cached;
  if (depth >= MAX_VALUE_DEPTH) throw new CelValueError(`value nests deeper than ${MAX_VALUE_DEPTH} levels`);
  let out: unknown;
  if (Array.isArray(value)) {
    const list = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) list[i] = toCelValue(value[i], depth + 1);
    out = list;
  } else if (value instanceof Map) {
    const map = new Map<unknown, unknown>();
    for (const [k, v] of value) if (v !== null && v !== undefined) map.set(toCelValue(k, depth + 1), toCelValue(v, depth + 1));
    out = map;
  } else if (isPlainObject(value)) {
    // A null-prototype object: no inherited keys can be reached from an expression.
    const map: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== null && v !== undefined) map[key] = toCelValue(v, depth + 1);
    }
    out = map;
  } else {
    // Instances of registered CEL types (library values such as quantities) pass through unchanged.
    return value;
  }
  converted.set(value, out);
  return out;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
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
