// Kubernetes' url library, with Go url.ParseRequestURI semantics: url(), isURL(), getScheme(), getHost(),
// getHostname(), getPort(), getEscapedPath(), getQuery(). Accepts absolute URLs and absolute paths only.
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';

export class ParsedURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly escapedPath: string,
    readonly rawQuery: string,
  ) {}

  hostname(): string {
    const h = this.host;
    if (h.startsWith('[')) {
      const end = h.indexOf(']');
      return end < 0 ? h.slice(1) : h.slice(1, end);
    }
    const colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.slice(0, colon);
  }

  port(): string {
    const h = this.host;
    const colon = h.lastIndexOf(':');
    if (colon < 0 || (h.startsWith('[') && colon < h.indexOf(']'))) return '';
    return h.slice(colon + 1);
  }

  query(): Record<string, string[]> {
    const out: Record<string, string[]> = Object.create(null);
    for (const pair of this.rawQuery.split('&')) {
      if (pair === '' || pair.includes(';')) continue;
      const eq = pair.indexOf('=');
      const key = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
      const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
      if (key === undefined || value === undefined) continue;
      (out[key] ??= []).push(value);
    }
    return out;
  }
}

/** Bound on URL text, well above what any Kubernetes field holds. */
const MAX_URL_LENGTH = 8192;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

export function parseRequestURI(raw: string): ParsedURL {
  if (raw === '') throw new Error('empty url');
  if (raw.length > MAX_URL_LENGTH) throw new Error(`url longer than ${MAX_URL_LENGTH} characters`);
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('invalid control character in URL');
  let rest = raw;
  let scheme = '';
  const m = SCHEME.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (!rest.startsWith('/')) {
    throw new Error('invalid URI for request');
  }
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (scheme !== '' && !rest.startsWith('/')) throw new Error('invalid URI for request');
  let host = '';
  if (scheme !== '' && rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const at = authority.lastIndexOf('@');
    host = checkHost(at < 0 ? authority : authority.slice(at + 1));
  }
  const path = unescape(rest, false);
  if (path === undefined) throw new Error(`invalid URL escape in ${JSON.stringify(rest)}`);
  return new ParsedURL(scheme, host, escapedPath(path, rest), rawQuery);
}

function checkHost(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw new Error("missing ']' in host");
    const port = host.slice(end + 1);
    if (port !== '' && !/^:\d*$/.test(port)) throw new Error(`invalid port ${JSON.stringify(port)} after host`);
    return host;
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) throw new Error(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
  const name = colon >= 0 ? host.slice(0, colon) : host;
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=%]*$/.test(name)) throw new Error(`invalid character in host name ${JSON.stringify(name)}`);
  const decoded = unescape(host, true);
  if (decoded === undefined) throw new Error(`invalid URL escape in host ${JSON.stringify(host)}`);
  return decoded;
}

function unescape(s: string, host: boolean): string | undefined {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(s[i]!, 'utf8'));
    }
  }
  const out = Buffer.from(bytes).toString('utf8');
  return host && out.includes('\uFFFD') ? undefined : out;
}

function queryUnescape(s: string): string | undefined {
  return unescape(s.replace(/\+/g, ' '), false);
}

/** Characters Go leaves unescaped in a path. */
const PATH_SAFE = /[A-Za-z0-9\-._~$&+,/:;=@]/;

function escapePath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (PATH_SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's EscapedPath: the original encoding when it is a valid one for this path, else the default escaping. */
function escapedPath(path: string, raw: string): string {
  const escaped = escapePath(path);
  if (raw === escaped) return escaped;
  if (/^[A-Za-z0-9\-._~$&+,/:;=@!'()*[\]%]*$/.test(raw) && unescape(raw, false) === path) return raw;
  return escaped;
}

function url(text: string): ParsedURL {
  try {
    return parseRequestURI(text);
  } catch (error) {
    throw celError(`URL parse error during conversion from string: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isURL(text: string): boolean {
  try {
    parseRequestURI(text);
    return true;
  } catch {
    return false;
  }
}

const URL_TYPE = 'kubernetes.URL';

export const urlLibrary: CelLibrary = {
  name: 'kubernetes.urls',
  types: [{ name: URL_TYPE, ctor: ParsedURL }],
  functions: [
    { signature: `url(string): ${URL_TYPE}`, handler: url },
    { signature: 'isURL(string): bool', handler: isURL },
    { signature: `${URL_TYPE}.getScheme(): string`, handler: (u: ParsedURL) => u.scheme },
    { signature: `${URL_TYPE}.getHost(): string`, handler: (u: ParsedURL) => u.host },
    { signature: `${URL_TYPE}.getHostname(): string`, handler: (u: ParsedURL) => u.hostname() },
    { signature: `${URL_TYPE}.getPort(): string`, handler: (u: ParsedURL) => u.port() },
    { signature: `${URL_TYPE}.getEscapedPath(): string`, handler: (u: ParsedURL) => u.escapedPath },
    { signature: `${URL_TYPE}.getQuery(): map<string, list<string>>`, handler: (u: ParsedURL) => u.query() },
  ],
};
