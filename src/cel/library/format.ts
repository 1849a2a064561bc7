// Kubernetes' format library: format.named("dns1123Label") → optional<Format>, format.dns1123Label() etc.,
// and <Format>.validate(s) → optional.none() when valid, else optional.of(list of error messages) — with the
// messages of k8s.io/apimachinery validation.
import { Optional } from '@marcbachmann/cel-js';
import type { CelLibrary } from '../library.js';
import { parseRequestURI } from './url.js';

type Validate = (s: string) => string[];

export class NamedFormat {
  constructor(
    readonly name: string,
    readonly validate: Validate,
  ) {}
}

const maxLen = (n: number) => `must be no more than ${n} characters`;

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const eg = examples.map((e, i) => `${i > 0 ? ' or ' : ''}'${e}', `).join('');
  return `${msg} (e.g. ${eg}regex used for validation is '${fmt}')`;
}

const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

const whole = (fmt: string) => new RegExp(`^${fmt}$`);
const LABEL = whole(LABEL_FMT);
const SUBDOMAIN = whole(SUBDOMAIN_FMT);
const DNS1035 = whole(DNS1035_FMT);
const QUALIFIED = whole(QUALIFIED_FMT);
const LABEL_VALUE = whole(LABEL_VALUE_FMT);

export function dns1123Label(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push(maxLen(63));
  if (!LABEL.test(s)) errs.push(regexError(LABEL_MSG, LABEL_FMT, 'my-name', '123-abc'));
  return errs;
}

export function dns1123Subdomain(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 253) errs.push(maxLen(253));
  if (!SUBDOMAIN.test(s)) errs.push(regexError(SUBDOMAIN_MSG, SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

export function dns1035Label(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push(maxLen(63));
  if (!DNS1035.test(s)) errs.push(regexError(DNS1035_MSG, DNS1035_FMT, 'my-name', 'abc-123'));
  return errs;
}

export function qualifiedName(s: string): string[] {
  const errs: string[] = [];
  const parts = s.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_MSG, QUALIFIED_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (!QUALIFIED.test(name)) errs.push(`name part ${regexError(QUALIFIED_MSG, QUALIFIED_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function labelValue(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push(maxLen(63));
  if (!LABEL_VALUE.test(s)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Prefix forms (generateName) allow a trailing '-'. Drops two characters before appending 'a', as apimachinery does. */
const maskTrailingDash = (s: string) => (s.length > 1 && s.endsWith('-') ? `${s.slice(0, -2)}a` : s);

const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function validDateTime(s: string): boolean {
  const m = DATETIME.exec(s);
  if (!m || !validDate(m[1]!)) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}

const check = (ok: (s: string) => boolean, message: string): Validate => (s) => (ok(s) ? [] : [message]);

function uri(s: string): string[] {
  try {
    parseRequestURI(s);
    return [];
  } catch (error) {
    return [`parse ${JSON.stringify(s)}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

export const NAMED_FORMATS: Readonly<Record<string, NamedFormat>> = Object.freeze({
  dns1123Label: new NamedFormat('DNS1123Label', dns1123Label),
  dns1123Subdomain: new NamedFormat('DNS1123Subdomain', dns1123Subdomain),
  dns1035Label: new NamedFormat('DNS1035Label', dns1035Label),
  qualifiedName: new NamedFormat('QualifiedName', qualifiedName),
  dns1123LabelPrefix: new NamedFormat('DNS1123LabelPrefix', (s) => dns1123Label(maskTrailingDash(s))),
  dns1123SubdomainPrefix: new NamedFormat('DNS1123SubdomainPrefix', (s) => dns1123Subdomain(maskTrailingDash(s))),
  dns1035LabelPrefix: new NamedFormat('DNS1035LabelPrefix', (s) => dns1035Label(maskTrailingDash(s))),
  labelValue: new NamedFormat('LabelValue', labelValue),
  uri: new NamedFormat('URI', uri),
  uuid: new NamedFormat('uuid', check((s) => UUID.test(s), 'does not match the UUID format')),
  byte: new NamedFormat('byte', check((s) => BASE64.test(s), 'invalid base64')),
  date: new NamedFormat('date', check(validDate, 'invalid date')),
  datetime: new NamedFormat('datetime', check(validDateTime, 'invalid datetime')),
});

/** The `format` namespace. */
export class FormatNamespace {}

const F = 'kubernetes.NamedFormat';

export const formatLibrary: CelLibrary = {
  name: 'kubernetes.format',
  types: [
    { name: F, ctor: NamedFormat },
    { name: 'FormatNamespace', ctor: FormatNamespace },
  ],
  constants: [{ name: 'format', type: 'FormatNamespace', value: new FormatNamespace() }],
  functions: [
    {
      signature: `FormatNamespace.named(string): optional<${F}>`,
      handler: (_ns: FormatNamespace, name: string) => {
        const f = Object.hasOwn(NAMED_FORMATS, name) ? NAMED_FORMATS[name] : undefined;
        return f ? Optional.of(f) : Optional.none();
      },
    },
    {
      signature: `${F}.validate(string): optional<list<string>>`,
      handler: (f: NamedFormat, s: string) => {
        const errors = f.validate(s);
        return errors.length === 0 ? Optional.none() : Optional.of(errors);
      },
    },
    ...Object.keys(NAMED_FORMATS).map((name) => ({
      signature: `FormatNamespace.${name}(): ${F}`,
      handler: () => NAMED_FORMATS[name]!,
    })),
  ],
};
