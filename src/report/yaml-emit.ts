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

export function yamlString(text: string): string {
  return JSON.stringify(text.replace(UNPAIRED_SURROGATE, '\ufffd')).replace(NOT_YAML_PRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !YAML11_RESERVED.test(key) ? key : yamlString(key);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return yamlString(String(value));
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** `value` as block YAML lines at `indent` spaces, each ending in a newline. Undefined entries are left out. */
export function yamlBlock(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (!isCollection(value)) return `${pad}${scalar(value)}\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value.map((item: unknown) => yamlSequenceItem(item, indent)).join('');
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return `${pad}{}\n`;
  return entries.map(([key, v]) => {
    if (!isCollection(v) || isEmpty(v)) return `${pad}${yamlKey(key)}: ${yamlBlock(v, 0)}`;
    return `${pad}${yamlKey(key)}:\n${yamlBlock(v, Array.isArray(v) ? indent : indent + 2)}`;
  }).join('');
}

/** One `- item` of a block sequence at `indent`. */
export function yamlSequenceItem(item: unknown, indent = 0): string {
  const body = yamlBlock(item, indent + 2);
  return `${' '.repeat(indent)}- ${body.slice(indent + 2)}`;
}
