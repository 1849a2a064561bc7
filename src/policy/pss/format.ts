// Text functions that reproduce Pod Security Admission's message wording byte for byte (its joinQuote, pluralize,
// Go's %q and sets.List ordering), so users see the same messages the API server would send them.

/** `"a", "b"` — each item wrapped in double quotes without escaping, as PSA's joinQuote does. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"`: the subject most PSA details start with. */
export function namedList(singular: string, plural: string, names: readonly string[]): string {
  return `${pluralize(singular, plural, names.length)} ${joinQuote(names)}`;
}

/** Go's byte order on UTF-8 equals code point order; JavaScript's default sort compares UTF-16 code units. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** Deduplicated and sorted, as Go's `sets.List()` returns a set's members. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(compareCodePoints);
}

export function sortedList(items: readonly string[]): string[] {
  return [...items].sort(compareCodePoints);
}

const GO_ESCAPES: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
};

/** Go's `%q` for strings: printable characters as they are, the rest escaped. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const escape = GO_ESCAPES[ch];
    if (escape !== undefined) out += escape;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad || code === 0x2028 || code === 0x2029 || code === 0xfeff) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** `pod and containers "a", "b"`: who set a forbidden value, in PSA's order (pod, containers, then others). */
export function setters(pod: boolean, containers: readonly string[], ...others: string[]): string {
  const parts: string[] = [];
  if (pod) parts.push('pod');
  if (containers.length > 0) parts.push(namedList('container', 'containers', containers));
  parts.push(...others);
  return parts.join(' and ');
}
