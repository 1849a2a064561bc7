// Converts the parts of an object that expressions read (read-tree.ts) to CEL values, as values.ts converts a
// whole object: integral numbers to ints, null map entries dropped, copies made only where something changes.
// What no expression reads is shared with the input unconverted.
import { CelValueError, convert, isJsonContainer, MAX_VALUE_DEPTH, newCelMap } from '../values.js';
import type { ReadTree } from './read-tree.js';

export function convertRead(value: unknown, read: ReadTree): unknown {
  return visit(value, read, 0);
}

/** An entry dropped from a map (its value is null). */
const DROPPED: unique symbol = Symbol('dropped');

function visit(value: unknown, read: ReadTree, depth: number): unknown {
  if (read.whole || typeof value !== 'object' || value === null || value instanceof Map) return convert(value, depth);
  if (!isJsonContainer(value)) return value;
  if (depth >= MAX_VALUE_DEPTH) throw new CelValueError(`value nests deeper than ${MAX_VALUE_DEPTH} levels`);
  return Array.isArray(value) ? visitList(value, read, depth + 1) : visitObject(value as Record<string, unknown>, read, depth + 1);
}

function visitList(list: readonly unknown[], read: ReadTree, depth: number): readonly unknown[] {
  // Elements nobody reads stay as they are (a list's length does not depend on them).
  const element = read.any;
  if (element === undefined) return list;
  let copy: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const out = visit(item, element, depth);
    if (copy) copy[i] = out;
    else if (out !== item || !(i in list)) (copy = list.slice(0, i))[i] = out;
  }
  return copy ?? list;
}

function visitObject(source: Record<string, unknown>, read: ReadTree, depth: number): object {
  let changes: Map<string, unknown> | undefined;
  const any = read.any;
  if (any === undefined) {
    const children = read.childList;
    for (let i = 0; i < children.length; i++) {
      const { key, tree, inherited } = children[i]!;
      const v = source[key];
      if (v === undefined || (inherited && !Object.hasOwn(source, key))) {
        if (v === undefined && Object.hasOwn(source, key)) (changes ??= new Map()).set(key, DROPPED);
        continue;
      }
      const out = v === null ? DROPPED : visit(v, tree, depth);
      if (out !== v) (changes ??= new Map()).set(key, out);
    }
  } else {
    for (const key in source) {
      if (!Object.hasOwn(source, key)) continue;
      const v = source[key];
      let out: unknown = DROPPED;
      if (v !== null && v !== undefined) {
        const named = read.children.get(key);
        // A key read both by name and as any value is converted for both.
        out = visit(named ? visit(v, named, depth) : v, any, depth);
      }
      if (out !== v) (changes ??= new Map()).set(key, out);
    }
  }
  if (changes === undefined) return source;
  return copyWith(source, changes);
}

/** A new CEL map with the entries of `source`, some replaced or dropped. */
function copyWith(source: Record<string, unknown>, changes: ReadonlyMap<string, unknown>): Record<string, unknown> {
  let dropping = false;
  for (const out of changes.values()) if (out === DROPPED) dropping = true;
  if (!dropping) {
    const copy = Object.assign(newCelMap(), source);
    for (const [key, out] of changes) copy[key] = out;
    return copy;
  }
  const copy = newCelMap();
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const out = changes.has(key) ? changes.get(key) : source[key];
    if (out !== DROPPED) copy[key] = out;
  }
  return copy;
}
