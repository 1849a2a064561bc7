// Converts the parts of an object that expressions read (read-tree.ts) to CEL values, as values.ts converts a
// whole object: integral numbers to ints, null map entries dropped, copies made only where something changes.
// What no expression reads is shared with the input unconverted.
//
// The walk is generated as JavaScript from the tree — one function per path, reading each entry by a key fixed at
// that point — and generated again when the tree grows. (A generic walk reads entries by keys that vary at every
// step, which V8 cannot make fast.) Keys are passed in as constants, never written into the source.
import { CelValueError, convert, inheritedByPlainObjects, isJsonContainer, MAX_VALUE_DEPTH, newCelMap } from '../values.js';
import type { ReadTree } from './read-tree.js';

type Converter = (value: unknown) => unknown;

export function convertRead(value: unknown, read: ReadTree): unknown {
  let converter = read.converter;
  if (converter === undefined || converter.version !== read.reads.version) {
    converter = read.converter = { version: read.reads.version, run: new ConverterCompiler().link(read) };
  }
  return converter.run(value);
}

/** An entry dropped from a map (its value is null). */
const DROPPED: unique symbol = Symbol('dropped');

function tooDeep(): never {
  throw new CelValueError(`value nests deeper than ${MAX_VALUE_DEPTH} levels`);
}

/**
 * A copy of `source` with some entries replaced or dropped; `changes` lists keys and their new values in turn. (A
 * plain object, as the unchanged parts of the input are: expressions read only own entries of either.)
 */
function copyWith(source: Record<string, unknown>, changes: readonly unknown[]): Record<string, unknown> {
  const copy = { ...source };
  for (let i = 0; i < changes.length; i += 2) {
    const key = changes[i] as string;
    const out = changes[i + 1];
    if (out !== DROPPED) copy[key] = out;
  }
  for (let i = 0; i < changes.length; i += 2) if (changes[i + 1] === DROPPED) return withoutDropped(copy, changes);
  return copy;
}

/** Dropping entries from an object by `delete` would turn it into a slow dictionary: this copies it without them. */
function withoutDropped(source: Record<string, unknown>, changes: readonly unknown[]): Record<string, unknown> {
  const dropped = new Set<unknown>();
  for (let i = 0; i < changes.length; i += 2) if (changes[i + 1] === DROPPED) dropped.add(changes[i]);
  const copy = newCelMap();
  for (const key in source) if (Object.hasOwn(source, key) && !dropped.has(key)) copy[key] = source[key];
  return copy;
}

const RUNTIME = { convert, isJsonContainer, tooDeep, copyWith, DROPPED, hasOwn: Object.hasOwn, MAX_VALUE_DEPTH };
const PRELUDE = `const { ${Object.keys(RUNTIME).join(', ')} } = runtime;`;

class ConverterCompiler {
  readonly #constants: unknown[] = [];
  readonly #functions: string[] = [];
  /** Lookup tables of converters by key, for maps read both by name and as a whole. */
  readonly #declarations: string[] = [];

  link(root: ReadTree): Converter {
    const entry = this.#converter(root);
    const constants = this.#constants.map((_, i) => `k${i} = k[${i}]`).join(', ');
    const source = `${PRELUDE}\n${constants ? `const ${constants};\n` : ''}${this.#functions.join('\n')}\n${this.#declarations.join('\n')}\nreturn (value) => ${entry}(value, 0);`;
    return new Function('runtime', 'k', source)(RUNTIME, this.#constants) as Converter;
  }

  #k(value: unknown): string {
    return `k${this.#constants.push(value) - 1}`;
  }

  /** The name of a function (value, depth) converting the value at this place of the tree. */
  #converter(tree: ReadTree): string {
    if (tree.whole) return 'convert';
    const name = `c${this.#functions.length}`;
    this.#functions.push('');
    const element = tree.any && this.#converter(tree.any);
    const list = element
      ? `let copy;
for (let i = 0; i < value.length; i++) {
const item = value[i];
const out = ${element}(item, depth + 1);
if (copy) copy[i] = out; else if (out !== item || !(i in value)) (copy = value.slice(0, i))[i] = out;
}
return copy ?? value;`
      : // Elements nobody reads stay as they are (a list's length does not depend on them).
        'return value;';
    this.#functions[Number(name.slice(1))] = `function ${name}(value, depth) {
if (typeof value !== 'object' || value === null || value instanceof Map) return convert(value, depth);
if (!isJsonContainer(value)) return value;
if (depth >= MAX_VALUE_DEPTH) tooDeep();
if (Array.isArray(value)) {
${list}
}
let changes;
${element ? this.#everyEntry(tree, element) : this.#namedEntries(tree)}
return changes === undefined ? value : copyWith(value, changes);
}`;
    return name;
  }

  /**
   * Only the entries read by name. (An own entry whose value is undefined, which JSON cannot express, is left in
   * place: selecting it fails and has() is false, as if it were dropped; reading the map whole converts it.)
   */
  #namedEntries(tree: ReadTree): string {
    return [...tree.children]
      .map(([key, child]) => {
        const k = this.#k(key);
        // A key a plain object inherits (`constructor`…) is read only when it is the object's own.
        return `{ const entry = value[${k}];
if (entry !== undefined${inheritedByPlainObjects(key) ? ` && hasOwn(value, ${k})` : ''}) { const out = entry === null ? DROPPED : ${this.#converter(child)}(entry, depth + 1); if (out !== entry) (changes ??= []).push(${k}, out); } }`;
      })
      .join('\n');
  }

  /** Every entry (the map is iterated or indexed); one also read by name is converted for both. */
  #everyEntry(tree: ReadTree, element: string): string {
    const byName = `m${this.#declarations.length}`;
    const pairs = [...tree.children].map(([key, child]) => `[${this.#k(key)}, ${this.#converter(child)}]`);
    this.#declarations.push(`const ${byName} = new Map([${pairs.join(', ')}]);`);
    return `for (const key in value) {
if (!hasOwn(value, key)) continue;
const entry = value[key];
let out = DROPPED;
if (entry !== null && entry !== undefined) {
const named = ${byName}.get(key);
out = ${element}(named === undefined ? entry : named(entry, depth + 1), depth + 1);
}
if (out !== entry) (changes ??= []).push(key, out);
}`;
  }
}
