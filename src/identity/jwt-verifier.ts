// Verifies a token already selected for one issuer (its `iss` equals the configured URL): the algorithm is one
// pinned for the issuer, the signature checks against a key from the issuer's JWKS, the time claims hold within
// the allowed clock skew, the audience matches, and the claims map to a user. Each failure has a short reason
// that is safe to return to the client.
import { compactVerify } from 'jose';
import type { JwtAuthenticatorConfig } from './authentication-config.js';
import { mapClaims } from './claim-mapping.js';
import type { IssuerKeys } from './issuer-keys.js';
import type { Principal } from './principal.js';
import type { InspectedToken } from './token-structure.js';

export interface VerifierSettings {
  allowedAlgorithms: ReadonlySet<string>;
  clockSkewSeconds: number;
  now: () => number;
}

export type Verification = { ok: true; principal: Principal } | { ok: false; reason: string };

function audienceMatches(aud: unknown, audiences: readonly string[]): boolean {
  if (typeof aud === 'string') return audiences.includes(aud);
  return Array.isArray(aud) && aud.some((a) => typeof a === 'string' && audiences.includes(a));
}

/** The time claims, in seconds since the epoch; `exp` is required. */
function checkTimes(payload: Record<string, unknown>, nowSeconds: number, skew: number): string | undefined {
  const { exp, nbf, iat } = payload;
  if (exp === undefined) return 'token has no expiry (exp)';
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'token exp is not a number';
  if (nowSeconds > exp + skew) return 'token has expired';
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return 'token nbf is not a number';
    if (nowSeconds + skew < nbf) return 'token is not valid yet';
  }
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'token iat is not a number';
    if (iat > nowSeconds + skew) return 'token was issued in the future';
  }
  return undefined;
}

export class JwtVerifier {
  constructor(
    readonly config: JwtAuthenticatorConfig,
    private readonly keys: IssuerKeys,
    private readonly settings: VerifierSettings,
  ) {}

  async verify(token: string, inspected: InspectedToken): Promise<Verification> {
    const { header, payload } = inspected;
    // Decided before any key lookup, so `none`, HMAC and unknown algorithms never trigger a JWKS fetch.
    if (!this.settings.allowedAlgorithms.has(header.alg)) return { ok: false, reason: `signing algorithm ${header.alg} is not allowed` };
    const candidates = await this.keys.keysFor(header.kid, header.alg);
    if (!this.keys.pinnedAlgorithms().includes(header.alg)) return { ok: false, reason: `signing algorithm ${header.alg} is not used by this issuer` };
    if (candidates.length === 0) return { ok: false, reason: header.kid === undefined ? 'no signing key matches the token' : 'unknown signing key (kid)' };

    let verified = false;
    for (const key of candidates) {
      try {
        await compactVerify(token, key, { algorithms: [header.alg] });
        verified = true;
        break;
      } catch {
        // Try the next candidate key; a token without kid may match any key of its type.
      }
    }
    if (!verified) return { ok: false, reason: 'invalid token signature' };

    const nowMs = this.settings.now();
    const timeProblem = checkTimes(payload, nowMs / 1000, this.settings.clockSkewSeconds);
    if (timeProblem) return { ok: false, reason: timeProblem };
    if (!audienceMatches(payload['aud'], this.config.issuer.audiences)) return { ok: false, reason: 'token audience does not match' };
    if (typeof payload['sub'] !== 'string' || payload['sub'] === '') return { ok: false, reason: 'token has no subject (sub)' };

    const mapped = mapClaims(this.config, payload);
    if (!mapped.ok) return mapped;
    return { ok: true, principal: { user: mapped.user, issuer: this.config.issuer.url, claims: payload, expiresAt: new Date((payload['exp'] as number) * 1000) } };
  }
}
