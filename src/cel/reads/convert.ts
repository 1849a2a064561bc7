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
  const note = (key: string, child: ReadTree | undefined) => {
    const v = source[key];
    let out: unknown = v === null || v === undefined ? DROPPED : v;
    if (out !== DROPPED) {
      if (child) out = visit(out, child, depth);
      // A key read both by name and as any value is converted for both.
      if (read.any && child !== read.any) out = visit(out, read.any, depth);
    }
    if (out !== v) (changes ??= new Map()).set(key, out);
  };
  if (read.any) {
    for (const key in source) if (Object.hasOwn(source, key)) note(key, read.children.get(key));
  } else {
    for (const key of read.children.keys()) if (Object.hasOwn(source, key)) note(key, read.children.get(key));
  }
  if (changes === undefined) return source;
  const copy = newCelMap();
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const out = changes.has(key) ? changes.get(key) : source[key];
    if (out !== DROPPED) copy[key] = out;
  }
  return copy;
}
