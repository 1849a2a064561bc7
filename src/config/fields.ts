// A small toolkit for strict validation of Gatehouse's configuration documents (ScanConfiguration,
// ProxyConfiguration, the admission configuration): typed readers that carry the field path, so every problem
// names where it is, and that collect every problem instead of stopping at the first.
//
//   const issues = new Issues();
//   const doc = new Field(value, '', issues).object();
//   const name = doc?.field('name', { required: true })?.string({ maxLength: 63 });
//   const ports = doc?.field('ports')?.list((item) => item.integer({ min: 1, max: 65535 }), { unique: true });
//   doc?.finish();                          // every key nobody asked for is an "unknown field"
//   if (!issues.empty) throw new ConfigError(file, issues.list);
//
// Readers return undefined when the value is absent or wrong (after recording why), so a caller builds its result
// from whatever is valid and decides at the end — with nothing applied — whether there were problems.
// YAML `null` (a key with no value) counts as absent, as it does for Kubernetes objects.

export interface Issue {
  /** Field path, e.g. `rules.severity.foo` or `registries.allowed[2]`; empty for the document as a whole. */
  path: string;
  message: string;
  /** Source line, when known (syntax errors). */
  line?: number;
}

export class Issues {
  readonly list: Issue[] = [];

  add(path: string, message: string): undefined {
    this.list.push({ path, message });
    return undefined;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_/:-]+$/;

/** `parent.key`, `parent[3]`, or `parent["odd.key"]` when the key would be ambiguous in a dotted path. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** How a wrong value is described in messages: `a string`, `a list`, `null`… */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

export interface StringRules {
  oneOf?: readonly string[];
  maxLength?: number;
  /** Returns a problem with the value, or undefined when it is fine. */
  check?: (value: string) => string | undefined;
}

export interface ListRules {
  nonEmpty?: boolean | string;
  maxItems?: number;
  /** Reject repeated values (compared after reading each item). */
  unique?: boolean;
}

/** A value at a path in the document. */
export class Field {
  constructor(
    readonly value: unknown,
    readonly path: string,
    readonly issues: Issues,
  ) {}

  /** Records a problem at this field; returns undefined so readers can `return field.problem(…)`. */
  problem(message: string): undefined {
    return this.issues.add(this.path, message);
  }

  string(rules: StringRules = {}): string | undefined {
    if (typeof this.value !== 'string') return this.problem(`must be a string (got ${describeType(this.value)})`);
    const value = this.value;
    if (rules.maxLength !== undefined && value.length > rules.maxLength) return this.problem(`must be at most ${rules.maxLength} characters`);
    if (rules.oneOf && !rules.oneOf.includes(value)) {
      return this.problem(`must be one of ${rules.oneOf.join(', ')} (got ${JSON.stringify(value)})`);
    }
    const problem = rules.check?.(value);
    return problem === undefined ? value : this.problem(problem);
  }

  boolean(): boolean | undefined {
    return typeof this.value === 'boolean' ? this.value : this.problem(`must be true or false (got ${describeType(this.value)})`);
  }

  integer(rules: { min?: number; max?: number } = {}): number | undefined {
    const value = this.value;
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.problem(`must be an integer (got ${describeType(value)})`);
    if (rules.min !== undefined && value < rules.min) return this.problem(`must be at least ${rules.min} (got ${value})`);
    if (rules.max !== undefined && value > rules.max) return this.problem(`must be at most ${rules.max} (got ${value})`);
    return value;
  }

  object(): ObjectReader | undefined {
    const value = this.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(`must be a mapping (got ${describeType(value)})`);
    return new ObjectReader(value as Record<string, unknown>, this.path, this.issues);
  }

  /** Reads every item; the list is returned only if every item was valid. */
  list<T>(read: (item: Field) => T | undefined, rules: ListRules = {}): T[] | undefined {
    if (!Array.isArray(this.value)) return this.problem(`must be a list (got ${describeType(this.value)})`);
    const items = this.value as unknown[];
    if (rules.nonEmpty && items.length === 0) return this.problem(typeof rules.nonEmpty === 'string' ? rules.nonEmpty : 'must not be empty');
    if (rules.maxItems !== undefined && items.length > rules.maxItems) return this.problem(`must have at most ${rules.maxItems} items (got ${items.length})`);
    const out: T[] = [];
    const seen = new Map<unknown, number>();
    let valid = true;
    items.forEach((item, index) => {
      const field = new Field(item, joinPath(this.path, index), this.issues);
      const value = read(field);
      if (value === undefined) {
        valid = false;
        return;
      }
      if (rules.unique) {
        const first = seen.get(value);
        if (first !== undefined) {
          field.problem(`duplicate of ${joinPath(this.path, first)}`);
          valid = false;
          return;
        }
        seen.set(value, index);
      }
      out.push(value);
    });
    return valid ? out : undefined;
  }

  /** Reads a mapping with free-form keys (e.g. rule names); returned only if every entry was valid. */
  map<T>(read: (value: Field, key: string) => T | undefined, rules: { maxEntries?: number } = {}): Map<string, T> | undefined {
    const value = this.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(`must be a mapping (got ${describeType(value)})`);
    const entries = Object.entries(value as Record<string, unknown>);
    if (rules.maxEntries !== undefined && entries.length > rules.maxEntries) return this.problem(`must have at most ${rules.maxEntries} entries (got ${entries.length})`);
    const out = new Map<string, T>();
    let valid = true;
    for (const [key, item] of entries) {
      const result = read(new Field(item, joinPath(this.path, key), this.issues), key);
      if (result === undefined) valid = false;
      else out.set(key, result);
    }
    return valid ? out : undefined;
  }
}

/** A mapping with a fixed set of fields: ask for each one, then `finish()` reports the rest as unknown. */
export class ObjectReader {
  private readonly known = new Set<string>();

  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
    readonly issues: Issues,
  ) {}

  /** The field, or undefined when it is absent (recording a problem if it is required). */
  field(key: string, rules: { required?: boolean } = {}): Field | undefined {
    this.known.add(key);
    const value = Object.hasOwn(this.value, key) ? this.value[key] : undefined;
    const path = joinPath(this.path, key);
    if (value === undefined || value === null) {
      if (rules.required) this.issues.add(path, 'required field is missing');
      return undefined;
    }
    return new Field(value, path, this.issues);
  }

  finish(): void {
    const known = this.known.size > 0 ? `known fields: ${[...this.known].join(', ')}` : 'this mapping has no fields';
    for (const key of Object.keys(this.value)) {
      if (!this.known.has(key)) this.issues.add(joinPath(this.path, key), `unknown field (${known})`);
    }
  }
}
