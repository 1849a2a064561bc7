// A small block-YAML emitter for report objects we build ourselves (strings, numbers, booleans, objects, arrays).
// It exists because general YAML libraries cost ~30–60 µs per result, which is minutes at 1.5M results, and
// because its quoting is safe by construction: every string is double-quoted (so `no`, `on`, `1e3` stay strings
// in YAML 1.1 readers such as kubectl's) and every character a YAML reader refuses is written as an escape.
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const YAML11_RESERVED = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
// JSON leaves these raw, but YAML forbids them unescaped (C1 controls, BOM, non-characters) or treats them as line
// breaks (U+0085, U+2028, U+2029 in YAML 1.1).
const NOT_YAML_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
// An unpaired surrogate is no character at all; kubectl's reader rejects even its escape, so it becomes U+FFFD as
// any UTF-8 encoder would make it.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NEEDS_REPAIR = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;

export function yamlString(text: string): string {
  // Nearly every string is plain; checking once first keeps the common case at JSON.stringify speed.
  if (!NEEDS_REPAIR.test(text)) return JSON.stringify(text);
  return JSON.stringify(text.replace(UNPAIRED_SURROGATE, '\ufffd')).replace(NOT_YAML_PRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Report objects repeat the same few keys millions of times.
const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 1024;

function yamlKey(key: string): string {
  let rendered = keyCache.get(key);
  if (rendered === undefined) {
    rendered = PLAIN_KEY.test(key) && !YAML11_RESERVED.test(key) ? key : yamlString(key);
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, rendered);
  }
  return rendered;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return yamlString(String(value));
}

function isEmpty(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if ((value as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

const PADS = Array.from({ length: 33 }, (_, n) => ' '.repeat(n));

function pad(n: number): string {
  return PADS[n] ?? ' '.repeat(n);
}

/** Writes `value` at `indent`; `lead` replaces the indentation of its first line (e.g. `  - ` for a sequence item). */
function emit(value: unknown, indent: number, lead: string, out: string[]): void {
  if (typeof value !== 'object' || value === null) {
    out.push(`${lead}${scalar(value)}\n`);
  } else if (isEmpty(value)) {
    out.push(`${lead}${Array.isArray(value) ? '[]' : '{}'}\n`);
  } else if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => emit(item, indent + 2, `${i === 0 ? lead : pad(indent)}- `, out));
  } else {
    let first = true;
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const prefix = `${first ? lead : pad(indent)}${yamlKey(key)}:`;
      first = false;
      if (typeof v !== 'object' || v === null || isEmpty(v)) emit(v, indent, `${prefix} `, out);
      else {
        out.push(`${prefix}\n`);
        // Sequences under a key sit at the key's indentation, as kubectl writes them.
        const inner = Array.isArray(v) ? indent : indent + 2;
        emit(v, inner, pad(inner), out);
      }
    }
  }
}

/** `value` as block YAML at `indent` spaces, every line ending in a newline. Undefined entries are left out. */
export function yamlBlock(value: unknown, indent = 0): string {
  const out: string[] = [];
  emit(value, indent, pad(indent), out);
  return out.join('');
}

/** One `- item` of a block sequence at `indent`, to stream a long sequence item by item. */
export function yamlSequenceItem(item: unknown, indent = 0): string {
  const out: string[] = [];
  emit(item, indent + 2, `${pad(indent)}- `, out);
  return out.join('');
}
