// The CEL strings extension as Kubernetes enables it (cel-go ext.Strings, version 2, plus `reverse`), indexed by
// code point like cel-go. Built-ins of the evaluator with different semantics (JS case mapping, UTF-16 indexes)
// are routed here by renaming.
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';
import { formatString } from './strings-format.js';

const SURROGATE = /[\uD800-\uDFFF]/;

/** The string as code points when it has any outside the BMP; the string itself otherwise (indexes agree). */
function codePoints(s: string): string | string[] {
  return SURROGATE.test(s) ? Array.from(s) : s;
}

function cpLength(cp: string | string[]): number {
  return cp.length;
}

function slice(cp: string | string[], start: number, end?: number): string {
  return typeof cp === 'string' ? cp.slice(start, end) : cp.slice(start, end).join('');
}

function toIndex(i: bigint, what: string): number {
  if (i < 0n || i > BigInt(Number.MAX_SAFE_INTEGER)) throw celError(`${what} out of range: ${i}`);
  return Number(i);
}

function charAt(s: string, i: bigint): string {
  const cp = codePoints(s);
  const n = toIndex(i, 'index');
  if (n > cpLength(cp)) throw celError(`index out of range: ${i}`);
  return n === cpLength(cp) ? '' : slice(cp, n, n + 1);
}

function indexOf(s: string, sub: string, from = 0n): bigint {
  const cp = codePoints(s);
  const start = toIndex(from, 'index');
  if (start > cpLength(cp)) throw celError(`index out of range: ${from}`);
  if (typeof cp === 'string' && !SURROGATE.test(sub)) return BigInt(cp.indexOf(sub, start));
  const subCp = Array.from(sub);
  const arr = Array.from(cp);
  outer: for (let i = start; i + subCp.length <= arr.length; i++) {
    for (let j = 0; j < subCp.length; j++) if (arr[i + j] !== subCp[j]) continue outer;
    return BigInt(i);
  }
  return -1n;
}

function lastIndexOf(s: string, sub: string, from?: bigint): bigint {
  const cp = codePoints(s);
  const last = from === undefined ? cpLength(cp) : toIndex(from, 'index');
  if (last > cpLength(cp)) throw celError(`index out of range: ${from}`);
  if (typeof cp === 'string' && !SURROGATE.test(sub)) return BigInt(cp.lastIndexOf(sub, last));
  const subCp = Array.from(sub);
  const arr = Array.from(cp);
  outer: for (let i = Math.min(last, arr.length - subCp.length); i >= 0; i--) {
    for (let j = 0; j < subCp.length; j++) if (arr[i + j] !== subCp[j]) continue outer;
    return BigInt(i);
  }
  return -1n;
}

function substring(s: string, start: bigint, end?: bigint): string {
  const cp = codePoints(s);
  const len = cpLength(cp);
  const from = toIndex(start, 'start');
  const to = end === undefined ? len : toIndex(end, 'end');
  if (from > len) throw celError(`index out of range: ${start}`);
  if (to > len) throw celError(`index out of range: ${end}`);
  if (from > to) throw celError(`invalid substring range. start: ${start}, end: ${end}`);
  return slice(cp, from, to);
}

const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const asciiUpper = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

// Go's unicode.IsSpace set, which strings.TrimSpace uses.
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]';
const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');
const trim = (s: string) => s.replace(TRIM, '');

function replace(s: string, from: string, to: string, limit = -1n): string {
  if (limit === 0n) return s;
  if (limit < 0n) {
    // Go's strings.Replace with an empty `from` inserts `to` around every code point.
    return from === '' ? interleave(s, to, Infinity) : s.split(from).join(to);
  }
  if (from === '') return interleave(s, to, Number(limit));
  let out = '';
  let rest = s;
  let n = limit;
  while (n > 0n) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    n--;
  }
  return out + rest;
}

function interleave(s: string, insert: string, limit: number): string {
  const cps = Array.from(s);
  let out = '';
  let inserted = 0;
  for (let i = 0; i <= cps.length; i++) {
    if (inserted < limit) {
      out += insert;
      inserted++;
    }
    if (i < cps.length) out += cps[i];
  }
  return out;
}

function split(s: string, sep: string, limit = -1n): string[] {
  if (limit === 0n) return [];
  const parts = sep === '' ? Array.from(s) : s.split(sep);
  if (limit < 0n || BigInt(parts.length) <= limit) return parts;
  const n = Number(limit);
  if (n === 1) return [s];
  const head = parts.slice(0, n - 1);
  // The last element keeps the remainder, separators included.
  const consumed = sep === '' ? head.join('').length : head.join(sep).length + sep.length;
  return [...head, s.slice(consumed)];
}

function join(list: unknown[], sep = ''): string {
  for (const item of list) if (typeof item !== 'string') throw celError('join: list must contain only strings');
  return (list as string[]).join(sep);
}

const reverse = (s: string) => Array.from(s).reverse().join('');

const QUOTE_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    // Lone surrogates are invalid UTF-8 in Go and become U+FFFD there.
    out += QUOTE_ESCAPES[ch] ?? (code >= 0xd800 && code <= 0xdfff ? '\uFFFD' : ch);
  }
  return `${out}"`;
}

/** The `strings` namespace (for `strings.quote`). */
export class StringsNamespace {}

export const stringsLibrary: CelLibrary = {
  name: 'kubernetes.strings',
  types: [{ name: 'StringsNamespace', ctor: StringsNamespace }],
  constants: [{ name: 'strings', type: 'StringsNamespace', value: new StringsNamespace() }],
  functions: [
    { signature: 'string.charAt(int): string', handler: charAt },
    { signature: 'string.k8sIndexOf(string): int', handler: (s: string, sub: string) => indexOf(s, sub) },
    { signature: 'string.k8sIndexOf(string, int): int', handler: indexOf },
    { signature: 'string.k8sLastIndexOf(string): int', handler: (s: string, sub: string) => lastIndexOf(s, sub) },
    { signature: 'string.k8sLastIndexOf(string, int): int', handler: lastIndexOf },
    { signature: 'string.k8sLowerAscii(): string', handler: asciiLower },
    { signature: 'string.k8sUpperAscii(): string', handler: asciiUpper },
    { signature: 'string.replace(string, string): string', handler: (s: string, a: string, b: string) => replace(s, a, b) },
    { signature: 'string.replace(string, string, int): string', handler: replace },
    { signature: 'string.k8sSplit(string): list<string>', handler: (s: string, sep: string) => split(s, sep) },
    { signature: 'string.k8sSplit(string, int): list<string>', handler: split },
    { signature: 'string.k8sSubstring(int): string', handler: (s: string, i: bigint) => substring(s, i) },
    { signature: 'string.k8sSubstring(int, int): string', handler: substring },
    { signature: 'string.k8sTrim(): string', handler: trim },
    { signature: 'list<string>.k8sJoin(): string', handler: (l: unknown[]) => join(l) },
    { signature: 'list<string>.k8sJoin(string): string', handler: join },
    { signature: 'string.reverse(): string', handler: reverse },
    { signature: 'string.format(list<dyn>): string', handler: formatString },
    { signature: 'StringsNamespace.quote(string): string', handler: (_ns: StringsNamespace, s: string) => quote(s) },
  ],
  renames: new Map([
    ['indexOf', 'k8sIndexOf'],
    ['lastIndexOf', 'k8sLastIndexOf'],
    ['lowerAscii', 'k8sLowerAscii'],
    ['upperAscii', 'k8sUpperAscii'],
    ['split', 'k8sSplit'],
    ['substring', 'k8sSubstring'],
    ['trim', 'k8sTrim'],
    ['join', 'k8sJoin'],
  ]),
};
