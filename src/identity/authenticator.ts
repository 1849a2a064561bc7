// createAuthenticator: the token authenticator the proxy calls (contract in principal.ts). A token is bounded in
// size, looked up in the verified-token cache by its SHA-256, shape-checked, routed to the issuer whose URL equals
// its `iss` exactly, verified, and mapped to a user. Nothing here logs or returns the token.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AuthenticationConfiguration } from './authentication-config.js';
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_MAX_DOCUMENT_BYTES } from './https-json.js';
import { createIdentityMetrics, type AuthenticationOutcome } from './identity-metrics.js';
import { DEFAULT_ALLOWED_ALGORITHMS, IssuerKeys, SUPPORTED_ALGORITHMS } from './issuer-keys.js';
import { JwtVerifier } from './jwt-verifier.js';
import type { AuthenticationResult, Authenticator, IssuerReadiness } from './principal.js';
import { DEFAULT_MAX_TOKEN_BYTES, inspectToken } from './token-structure.js';
import { DEFAULT_TOKEN_CACHE_SIZE, VerifiedTokenCache, tokenDigest } from './verified-token-cache.js';

export interface AuthenticatorOptions {
  /** Registry for the authentication and JWKS metrics. */
  metrics?: Registry;
  logger?: Logger;
  /** Milliseconds since the epoch (tests move the clock). */
  now?: () => number;
  /** Leeway for `exp`, `nbf` and `iat` (default 30 s). */
  clockSkewSeconds?: number;
  /** Accepted signing algorithms, further narrowed per issuer by its discovery document (default RS/PS/ES 256–512). */
  allowedAlgorithms?: readonly string[];
  maxTokenBytes?: number;
  /** Verified tokens kept (default 10,000; 0 disables the cache). */
  tokenCacheSize?: number;
  /** Keys accepted from one JWKS (default 32). */
  maxKeysPerIssuer?: number;
  /** Scheduled refresh of each issuer's discovery document and JWKS (default 10 min). */
  jwksRefreshIntervalMs?: number;
  /** Least time between refreshes triggered by an unknown `kid` (default 10 s). */
  jwksMinRefreshIntervalMs?: number;
  /** Retry interval while an issuer's keys have never loaded (default 10 s). */
  jwksRetryIntervalMs?: number;
  fetchTimeoutMs?: number;
}

export const AUTHENTICATOR_DEFAULTS = {
  clockSkewSeconds: 30,
  maxKeysPerIssuer: 32,
  jwksRefreshIntervalMs: 10 * 60_000,
  jwksMinRefreshIntervalMs: 10_000,
  jwksRetryIntervalMs: 10_000,
} as const;

const UNKNOWN_ISSUER = 'unknown';

interface IssuerEntry {
  url: string;
  keys: IssuerKeys;
  verifier: JwtVerifier;
}

function checkOptions(options: AuthenticatorOptions): readonly string[] {
  const algorithms = options.allowedAlgorithms ?? DEFAULT_ALLOWED_ALGORITHMS;
  for (const alg of algorithms) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new RangeError(`allowedAlgorithms: Unsupported value: "${alg}": supported values: ${SUPPORTED_ALGORITHMS.join(', ')}`);
    }
  }
  if (algorithms.length === 0) throw new RangeError('allowedAlgorithms: Required value: at least one algorithm');
  const skew = options.clockSkewSeconds ?? AUTHENTICATOR_DEFAULTS.clockSkewSeconds;
  if (!(skew >= 0 && skew <= 300)) throw new RangeError(`clockSkewSeconds: Invalid value: ${skew}: must be between 0 and 300`);
  return algorithms;
}

export function createAuthenticator(config: AuthenticationConfiguration, options: AuthenticatorOptions = {}): Authenticator {
  const allowedAlgorithms = checkOptions(options);
  const now = options.now ?? Date.now;
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  const metrics = createIdentityMetrics(options.metrics);
  const logger = options.logger;
  const cache = new VerifiedTokenCache(options.tokenCacheSize ?? DEFAULT_TOKEN_CACHE_SIZE, now);
  const settings = {
    allowedAlgorithms: new Set(allowedAlgorithms),
    clockSkewSeconds: options.clockSkewSeconds ?? AUTHENTICATOR_DEFAULTS.clockSkewSeconds,
    now,
  };

  const issuers = new Map<string, IssuerEntry>();
  for (const jwt of config.jwt) {
    const url = jwt.issuer.url;
    const keys = new IssuerKeys({
      issuerUrl: url,
      ...(jwt.issuer.discoveryURL ? { discoveryUrl: jwt.issuer.discoveryURL } : {}),
      ...(jwt.issuer.certificateAuthority ? { ca: jwt.issuer.certificateAuthority } : {}),
      allowedAlgorithms,
      maxKeys: options.maxKeysPerIssuer ?? AUTHENTICATOR_DEFAULTS.maxKeysPerIssuer,
      minRefreshIntervalMs: options.jwksMinRefreshIntervalMs ?? AUTHENTICATOR_DEFAULTS.jwksMinRefreshIntervalMs,
      refreshIntervalMs: options.jwksRefreshIntervalMs ?? AUTHENTICATOR_DEFAULTS.jwksRefreshIntervalMs,
      retryIntervalMs: options.jwksRetryIntervalMs ?? AUTHENTICATOR_DEFAULTS.jwksRetryIntervalMs,
      fetch: { timeoutMs: options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS, maxBytes: DEFAULT_MAX_DOCUMENT_BYTES },
      now,
      onFetch: (outcome, error) => {
        metrics.jwksFetched(url, outcome);
        if (outcome === 'failure') logger?.warn({ issuer: url, error }, 'issuer keys refresh failed; cached keys keep serving');
        else logger?.debug({ issuer: url }, 'issuer keys refreshed');
      },
    });
    issuers.set(url, { url, keys, verifier: new JwtVerifier(jwt, keys, settings) });
  }
  const loaded = Promise.all([...issuers.values()].map(({ keys }) => keys.start())).then(() => undefined);

  const finish = (start: number, issuer: string, outcome: AuthenticationOutcome, result: AuthenticationResult): AuthenticationResult => {
    metrics.authenticated(issuer, outcome, (performance.now() - start) / 1000);
    if (!result.ok) logger?.debug({ issuer, reason: result.reason }, 'token refused');
    return result;
  };

  async function authenticate(token: string): Promise<AuthenticationResult> {
    const start = performance.now();
    if (typeof token !== 'string' || token.length > maxTokenBytes) {
      return finish(start, UNKNOWN_ISSUER, 'failure', { ok: false, reason: 'token too large' });
    }
    const digest = tokenDigest(token);
    const cached = cache.get(digest);
    if (cached) return finish(start, cached.issuer, 'cached', { ok: true, principal: cached });

    const inspection = inspectToken(token, maxTokenBytes);
    if (!inspection.ok) return finish(start, UNKNOWN_ISSUER, 'failure', { ok: false, reason: inspection.reason });
    const entry = issuers.get(inspection.token.issuer);
    if (!entry) return finish(start, UNKNOWN_ISSUER, 'failure', { ok: false, reason: 'token issuer is not trusted' });
    try {
      const verification = await entry.verifier.verify(token, inspection.token);
      if (!verification.ok) return finish(start, entry.url, 'failure', { ok: false, reason: verification.reason, issuer: entry.url });
      cache.set(digest, verification.principal);
      return finish(start, entry.url, 'success', verification);
    } catch (err) {
      logger?.error({ issuer: entry.url, error: (err as Error).message }, 'token verification failed unexpectedly');
      return finish(start, entry.url, 'failure', { ok: false, reason: 'token verification failed', issuer: entry.url });
    }
  }

  function readiness(): IssuerReadiness[] {
    return [...issuers.values()].map(({ url, keys }) => {
      const status = keys.status();
      return {
        issuer: url,
        ready: status.loaded,
        keys: status.keys,
        ...(status.lastRefresh ? { lastRefresh: status.lastRefresh } : {}),
        ...(status.lastError ? { lastError: status.lastError } : {}),
      };
    });
  }

  return {
    authenticate,
    whenLoaded: () => loaded,
    ready: () => [...issuers.values()].every(({ keys }) => keys.status().loaded),
    readiness,
    async close() {
      for (const { keys } of issuers.values()) keys.close();
      cache.clear();
    },
  };
}
