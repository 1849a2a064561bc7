// Which client headers reach the upstream. The proxy never trusts a client with identity: `Authorization` is
// consumed (the proxy authenticates upstream with its own credential), `Impersonate-*` is refused before this
// point (and stripped here regardless), `X-Remote-*` (the API server's request-header authentication) and
// `X-Forwarded-*`/`Forwarded` are dropped, and `X-Forwarded-For` is set to the address the connection really
// came from. Hop-by-hop headers (RFC 9110 §7.6.1, plus any the client lists in `Connection`) are not forwarded;
// for upgrades `Connection: Upgrade` and `Upgrade` are set again by the caller. The client's `Audit-ID` is
// replaced by the proxy's so both audit logs share one ID. `Expect: 100-continue` is answered by the proxy's own
// server before the request reaches it, so it is not passed on.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export const JUSTIFICATION_HEADER = 'x-gatehouse-justification';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host', 'http2-settings']);
const CONSUMED = new Set(['authorization', 'forwarded', 'audit-id', 'expect', JUSTIFICATION_HEADER]);
const DROPPED_PREFIXES = ['impersonate-', 'x-remote-', 'x-forwarded-'];

function isForwardable(name: string, connectionListed: ReadonlySet<string>): boolean {
  if (HOP_BY_HOP.has(name) || CONSUMED.has(name) || connectionListed.has(name)) return false;
  return !DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function isHopByHop(name: string, connectionListed: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || connectionListed.has(name);
}

const NONE: ReadonlySet<string> = new Set();

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  // The usual cases: nothing listed, or only the connection's own fate, which names no header.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const joined = Array.isArray(value) ? value.join(',') : value;
  return new Set(joined.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

export interface UpstreamHeaderOptions {
  clientAddress: string;
  auditId: string;
  /** The proxy's own credential (`Bearer …`), when it uses a token. */
  authorization?: string;
  /** Impersonation headers for the effective user. */
  impersonation: Readonly<Record<string, string | string[]>>;
}

/** Raw header pairs → lower-cased names, repeated headers kept as arrays, filtered by `keep`. */
function collectHeaders(rawHeaders: readonly string[], keep: (name: string) => boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!keep(name)) continue;
    const value = rawHeaders[i + 1]!;
    const existing = out[name];
    out[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** Builds the upstream request headers from the client's raw headers (duplicates preserved). */
export function upstreamRequestHeaders(rawHeaders: readonly string[], headers: IncomingHttpHeaders, options: UpstreamHeaderOptions): OutgoingHttpHeaders {
  const listed = connectionTokens(headers.connection);
  const out = collectHeaders(rawHeaders, (name) => isForwardable(name, listed));
  out['x-forwarded-for'] = options.clientAddress;
  out['audit-id'] = options.auditId;
  if (options.authorization) out.authorization = options.authorization;
  Object.assign(out, options.impersonation);
  return out;
}

/**
 * Response headers the client may see, from the upstream's (lower-case names, repeated headers as arrays): hop-by-hop
 * headers are removed, the rest pass unchanged. Returns the object itself when it has none, else a copy without them
 * (deleting properties would turn it into a slow dictionary object, read again when the response head is written).
 */
export function withoutHopByHop(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const listed = connectionTokens(headers.connection);
  const names = Object.keys(headers);
  if (!names.some((name) => isHopByHop(name, listed))) return headers;
  const kept: Record<string, string | string[]> = {};
  for (const name of names) if (!isHopByHop(name, listed)) kept[name] = headers[name]!;
  return kept;
}
