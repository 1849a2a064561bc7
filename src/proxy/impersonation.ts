// The `Impersonate-*` headers, encoded and decoded exactly as Kubernetes does (k8s.io/client-go transport and the
// API server's impersonation filter):
//   Impersonate-User: <username>        Impersonate-Uid: <uid>         Impersonate-Group: <group> (one header each)
//   Impersonate-Extra-<key>: <value>    (one header per value)
// Extra keys travel in a header *name*, so every byte that is not an RFC 7230 token character, and `%` itself, is
// percent-encoded (`gatehouse.dev/justification` → `gatehouse.dev%2Fjustification`); the API server lower-cases
// the name and percent-decodes it. Values are sent as UTF-8 bytes.
//
// Values are checked before they are sent: a control character would break the header, and leading or trailing
// whitespace would be trimmed by the receiver — a mapped group " system:masters" must never arrive as
// "system:masters".
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../policy/policy.js';

export const EXTRA_HEADER_PREFIX = 'impersonate-extra-';

export class ImpersonationValueError extends Error {
  override name = 'ImpersonationValueError';
}

const TOKEN_CHARS = /^[!#$&'*+\-.^_`|~0-9A-Za-z]$/;

export function encodeExtraKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && TOKEN_CHARS.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The API server's reading of an extra key: lower-cased, then percent-decoded (kept raw when malformed). */
export function decodeExtraKey(encoded: string): string {
  const lower = encoded.toLowerCase();
  try {
    return decodeURIComponent(lower);
  } catch {
    return lower;
  }
}

function headerValue(field: string, value: string): string {
  if (value === '') throw new ImpersonationValueError(`${field} is empty`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ImpersonationValueError(`${field} contains a control character`);
  if (/^[ \t]|[ \t]$/.test(value)) throw new ImpersonationValueError(`${field} has leading or trailing whitespace`);
  // Node writes header strings as latin1; this makes the wire bytes the value's UTF-8 encoding.
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** The headers that make the upstream act as `user`; throws ImpersonationValueError when a value cannot be sent. */
export function impersonationHeaders(user: UserInfo): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { 'impersonate-user': headerValue('username', user.username) };
  if (user.uid !== undefined && user.uid !== '') headers['impersonate-uid'] = headerValue('uid', user.uid);
  const groups = (user.groups ?? []).map((g, i) => headerValue(`groups[${i}]`, g));
  if (groups.length > 0) headers['impersonate-group'] = groups;
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (key === '') throw new ImpersonationValueError('extra has an empty key');
    if (values.length === 0) continue;
    headers[EXTRA_HEADER_PREFIX + encodeExtraKey(key)] = values.map((v, i) => headerValue(`extra["${key}"][${i}]`, v));
  }
  return headers;
}

// The mapped user of a cached token is the same object on every request: its headers are encoded once.
const encoded = new WeakMap<UserInfo, Record<string, string | string[]>>();

/** {@link impersonationHeaders}, remembered per user object; the result must not be modified. */
export function impersonationHeadersOf(user: UserInfo): Readonly<Record<string, string | string[]>> {
  let headers = encoded.get(user);
  if (headers === undefined) {
    headers = impersonationHeaders(user);
    encoded.set(user, headers);
  }
  return headers;
}

/** Names of all impersonation headers a client sent (any casing: Node lower-cases header names). */
export function clientImpersonationHeaderNames(headers: IncomingHttpHeaders): string[] {
  return Object.keys(headers).filter((name) => name.startsWith('impersonate-'));
}

function utf8(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}

/**
 * The identity a client asks to act as (`kubectl --as/--as-group/--as-uid/--as-user-extra`), read the way the
 * API server reads it; throws when the combination is one the API server would refuse.
 */
export function readClientImpersonation(rawHeaders: readonly string[]): UserInfo {
  let username: string | undefined;
  let uid: string | undefined;
  const groups: string[] = [];
  const extra: Record<string, string[]> = {};
  let others = false;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = utf8(rawHeaders[i + 1]!);
    if (name === 'impersonate-user') {
      if (username !== undefined) throw new ImpersonationValueError('Impersonate-User given more than once');
      username = value;
    } else if (name === 'impersonate-uid') {
      if (uid !== undefined) throw new ImpersonationValueError('Impersonate-Uid given more than once');
      uid = value;
      others = true;
    } else if (name === 'impersonate-group') {
      groups.push(value);
      others = true;
    } else if (name.startsWith(EXTRA_HEADER_PREFIX)) {
      (extra[decodeExtraKey(name.slice(EXTRA_HEADER_PREFIX.length))] ??= []).push(value);
      others = true;
    } else if (name.startsWith('impersonate-')) {
      throw new ImpersonationValueError(`unknown impersonation header ${rawHeaders[i]}`);
    }
  }
  if (username === undefined || username === '') {
    throw new ImpersonationValueError(others ? 'impersonating groups, uid or extra requires Impersonate-User' : 'Impersonate-User is empty');
  }
  return { username, ...(uid !== undefined ? { uid } : {}), ...(groups.length ? { groups } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}
