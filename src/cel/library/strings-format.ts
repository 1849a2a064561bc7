// `"…".format([args])` from the CEL strings extension: %s %d %f %e %b %o %x %X %% with optional precision.
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { compareStrings, typeName } from '../compare.js';
import { celError } from '../fail.js';
import { isPlainObject } from '../values.js';

export function formatString(format: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    i++;
    if (format[i] === '%') {
      out += '%';
      continue;
    }
    let precision: number | undefined;
    if (format[i] === '.') {
      let digits = '';
      while (++i < format.length && format[i]! >= '0' && format[i]! <= '9') digits += format[i];
      if (digits === '') throw celError('could not parse formatting clause: missing precision');
      precision = Number(digits);
    }
    const verb = format[i];
    if (verb === undefined) throw celError('could not parse formatting clause: unexpected end of string');
    if (argIndex >= args.length) throw celError(`index ${argIndex} out of range`);
    out += formatClause(verb, args[argIndex++], precision);
  }
  return out;
}

function formatClause(verb: string, arg: unknown, precision: number | undefined): string {
  switch (verb) {
    case 's':
      return asString(arg);
    case 'd':
      return integer(arg, 'decimal', 10);
    case 'b':
      return typeof arg === 'boolean' ? (arg ? '1' : '0') : integer(arg, 'binary', 2);
    case 'o':
      return integer(arg, 'octal', 8);
    case 'x':
    case 'X': {
      const hex = hexOf(arg);
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
    case 'f':
      return special(arg) ?? toNumber(arg, 'fixed-point').toFixed(precision ?? 6);
    case 'e':
      return special(arg) ?? goExponent(toNumber(arg, 'scientific'), precision ?? 6);
    default:
      throw celError(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
  }
}

function integer(arg: unknown, clause: string, radix: number): string {
  if (typeof arg === 'bigint') return arg.toString(radix);
  if (arg instanceof UnsignedInt) return arg.valueOf().toString(radix);
  if (clause === 'decimal' && typeof arg === 'number' && !Number.isFinite(arg)) return special(arg)!;
  throw celError(`error during formatting: ${clause} clause can only be used on integers, was given ${typeName(arg)}`);
}

function hexOf(arg: unknown): string {
  if (typeof arg === 'string') return Buffer.from(arg, 'utf8').toString('hex');
  if (arg instanceof Uint8Array) return Buffer.from(arg).toString('hex');
  if (typeof arg === 'bigint' || arg instanceof UnsignedInt) return integer(arg, 'hexadecimal', 16);
  throw celError(`error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given ${typeName(arg)}`);
}

function toNumber(arg: unknown, clause: string): number {
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'bigint') return Number(arg);
  if (arg instanceof UnsignedInt) return Number(arg.valueOf());
  throw celError(`error during formatting: ${clause} clause can only be used on doubles, was given ${typeName(arg)}`);
}

function special(arg: unknown): string | undefined {
  if (typeof arg !== 'number') return undefined;
  if (Number.isNaN(arg)) return 'NaN';
  if (arg === Infinity) return 'Infinity';
  if (arg === -Infinity) return '-Infinity';
  return undefined;
}

/** Go's %e: at least two exponent digits ("1.000000e+03"). */
function goExponent(n: number, precision: number): string {
  return n.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %s: values as cel-go prints them (strings unquoted, also inside lists and maps). */
function asString(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'bigint' || typeof arg === 'boolean') return String(arg);
  if (typeof arg === 'number') return formatDouble(arg);
  if (arg === null || arg === undefined) return 'null';
  if (arg instanceof UnsignedInt) return String(arg.valueOf());
  if (arg instanceof Uint8Array) return Buffer.from(arg).toString('utf8');
  if (arg instanceof Date) return arg.toISOString().replace(/\.?0+Z$/, 'Z');
  if (arg instanceof Duration) return arg.toString();
  if (Array.isArray(arg)) return `[${arg.map((v) => asString(v)).join(', ')}]`;
  if (arg instanceof Map || isPlainObject(arg as object)) {
    const entries = arg instanceof Map ? [...arg] : Object.entries(arg as object);
    const rendered = entries.map(([k, v]) => [asString(k), asString(v)] as const);
    rendered.sort((a, b) => compareStrings(a[0], b[0]));
    return `{${rendered.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  }
  const typeName_ = (arg as { name?: unknown }).name;
  if (arg.constructor?.name === 'Type' && typeof typeName_ === 'string') return typeName_;
  const text = (arg as { toString?: () => string }).toString?.();
  if (typeof text === 'string' && text !== '[object Object]') return text;
  throw celError(`error during formatting: no string formatting for ${typeName(arg)}`);
}

function formatDouble(n: number): string {
  const special_ = special(n);
  if (special_) return special_;
  // Go's shortest 'g' form: exponent notation below 1e-4 and from 1e21, with at least two exponent digits.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}
