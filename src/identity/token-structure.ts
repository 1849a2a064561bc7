// Checks a bearer token's shape before any cryptography or key lookup: size, three base64url segments, a JSON
// header without key-bearing parameters, a JSON payload naming an issuer. Cheap, so garbage and hostile tokens are
// turned away before they cost a signature verification or a JWKS fetch. The header and payload are decoded
// exactly once here; the strict alphabet check makes Node's lenient base64url decoder see the same bytes the
// signature covers.

/** Tokens larger than this are refused unread (GitHub Actions and typical IdP tokens are 1–3 KiB). */
export const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;

/** Header parameters that would name or carry a key; the issuer's JWKS is the only source of keys. */
const KEY_BEARING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_JSON_DEPTH = 16;

export interface TokenHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

export interface InspectedToken {
  header: TokenHeader;
  payload: Record<string, unknown>;
  /** The untrusted `iss`: only selects which issuer verifies the token. */
  issuer: string;
}

export type Inspection = { ok: true; token: InspectedToken } | { ok: false; reason: string };

function decodeJson(segment: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return depthOf(value, 0) <= MAX_JSON_DEPTH ? (value as Record<string, unknown>) : undefined;
}

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null) return depth;
  let max = depth;
  for (const child of Object.values(value)) {
    max = Math.max(max, depthOf(child, depth + 1));
    if (max > MAX_JSON_DEPTH) break;
  }
  return max;
}

export function inspectToken(token: string, maxBytes = DEFAULT_MAX_TOKEN_BYTES): Inspection {
  if (token.length === 0) return { ok: false, reason: 'empty token' };
  if (token.length > maxBytes) return { ok: false, reason: 'token too large' };
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) return { ok: false, reason: 'malformed token: not a compact JWS' };
  const segments = [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)];
  if (!segments.every((s) => BASE64URL.test(s))) return { ok: false, reason: 'malformed token: invalid encoding' };

  const header = decodeJson(segments[0]!);
  if (!header) return { ok: false, reason: 'malformed token: invalid header' };
  if (typeof header['alg'] !== 'string') return { ok: false, reason: 'malformed token: missing alg' };
  for (const name of KEY_BEARING_HEADERS) {
    if (name in header) return { ok: false, reason: `token header carries "${name}"; keys come only from the issuer's JWKS` };
  }
  // Any critical extension is one we do not implement (RFC 7515 §4.1.11), and `b64: false` changes what is signed.
  if ('crit' in header || 'b64' in header) return { ok: false, reason: 'token header uses unsupported extensions' };
  if (header['kid'] !== undefined && typeof header['kid'] !== 'string') return { ok: false, reason: 'malformed token: invalid kid' };
  if (header['typ'] !== undefined && typeof header['typ'] !== 'string') return { ok: false, reason: 'malformed token: invalid typ' };

  const payload = decodeJson(segments[1]!);
  if (!payload) return { ok: false, reason: 'malformed token: invalid payload' };
  const issuer = payload['iss'];
  if (typeof issuer !== 'string' || issuer === '') return { ok: false, reason: 'token has no issuer' };
  return { ok: true, token: { header: header as unknown as TokenHeader, payload, issuer } };
}
