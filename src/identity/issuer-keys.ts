// One issuer's signing keys: the discovery document (whose `issuer` must equal the configured URL) names the
// JWKS; keys come from there and nowhere else. The key set is cached, refreshed on a schedule, and refreshed early
// when a token names an unknown `kid`, at most once per `minRefreshIntervalMs` so a stream of made-up kids cannot
// turn Gatehouse into a traffic amplifier against the issuer. A failed refresh keeps the cached keys serving.
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { fetchJson, type HttpsJsonOptions } from './https-json.js';

/** Asymmetric JWS algorithms Gatehouse can verify; the API server's allow-list plus EdDSA. */
export const SUPPORTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
/** The default allow-list: the API server's (it does not accept EdDSA). */
export const DEFAULT_ALLOWED_ALGORITHMS: readonly string[] = SUPPORTED_ALGORITHMS.filter((a) => a !== 'EdDSA');

export interface IssuerKeysOptions {
  issuerUrl: string;
  discoveryUrl?: string;
  ca?: string;
  allowedAlgorithms: readonly string[];
  maxKeys: number;
  minRefreshIntervalMs: number;
  refreshIntervalMs: number;
  /** How soon to retry while no keys have ever loaded. */
  retryIntervalMs: number;
  fetch: Omit<HttpsJsonOptions, 'ca'>;
  now: () => number;
  onFetch?: (outcome: 'success' | 'failure', error?: string) => void;
}

interface VerificationKey {
  kid?: string;
  /**
   * The key imported once per algorithm it may verify: its own `alg` if it names one, else every pinned algorithm
   * its type fits (WebCrypto binds a key to one algorithm; importing per token would cost more than verifying).
   */
  byAlgorithm: ReadonlyMap<string, CryptoKey>;
}

export interface IssuerKeysStatus {
  loaded: boolean;
  keys: number;
  algorithms: string[];
  lastRefresh?: Date;
  lastError?: string;
}

export class IssuerKeyError extends Error {
  override name = 'IssuerKeyError';
}

function algorithmsForKey(jwk: Record<string, unknown>): string[] {
  switch (jwk['kty']) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return ({ 'P-256': ['ES256'], 'P-384': ['ES384'], 'P-521': ['ES512'] } as Record<string, string[]>)[String(jwk['crv'])] ?? [];
    case 'OKP':
      return jwk['crv'] === 'Ed25519' ? ['EdDSA'] : [];
    default:
      return [];
  }
}

export class IssuerKeys {
  private keys: VerificationKey[] = [];
  private algorithms: readonly string[] = [];
  private loaded = false;
  private lastRefresh?: Date;
  private lastError?: string;
  private lastAttempt = -Infinity;
  private inflight?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: IssuerKeysOptions) {}

  /** Loads the keys now and keeps them fresh until `close()`. Never rejects: failures show in `status()`. */
  start(): Promise<void> {
    return this.refresh().finally(() => this.schedule());
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  status(): IssuerKeysStatus {
    return {
      loaded: this.loaded,
      keys: this.keys.length,
      algorithms: [...this.algorithms],
      ...(this.lastRefresh ? { lastRefresh: this.lastRefresh } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Algorithms tokens from this issuer may use: discovery's list intersected with the allow-list. */
  pinnedAlgorithms(): readonly string[] {
    return this.algorithms;
  }

  /**
   * Keys that may verify a token with this `kid` and `alg`. An unknown kid (or no keys yet) triggers a refresh
   * unless one happened within `minRefreshIntervalMs`.
   */
  async keysFor(kid: string | undefined, alg: string): Promise<CryptoKey[]> {
    let found = this.match(kid, alg);
    if (found.length === 0 && this.options.now() - this.lastAttempt >= this.options.minRefreshIntervalMs) {
      await this.refresh();
      found = this.match(kid, alg);
    }
    return found;
  }

  private match(kid: string | undefined, alg: string): CryptoKey[] {
    const out: CryptoKey[] = [];
    for (const k of this.keys) {
      const key = kid === undefined || k.kid === kid ? k.byAlgorithm.get(alg) : undefined;
      if (key) out.push(key);
    }
    return out;
  }

  private schedule(): void {
    if (this.closed) return;
    const delay = this.loaded ? this.options.refreshIntervalMs : this.options.retryIntervalMs;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), delay);
    this.timer.unref();
  }

  /** One refresh at a time; concurrent callers share it. */
  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    this.lastAttempt = this.options.now();
    try {
      const { algorithms, jwksUri } = await this.discover();
      const keys = await this.parseJwks(await fetchJson(jwksUri, this.fetchOptions()), algorithms);
      if (this.closed) return;
      this.keys = keys;
      this.algorithms = algorithms;
      this.loaded = true;
      this.lastRefresh = new Date(this.options.now());
      this.lastError = undefined;
      this.options.onFetch?.('success');
    } catch (err) {
      this.lastError = (err as Error).message;
      this.options.onFetch?.('failure', this.lastError);
    }
  }

  private fetchOptions(): HttpsJsonOptions {
    return { ...this.options.fetch, ...(this.options.ca ? { ca: this.options.ca } : {}) };
  }

  private async discover(): Promise<{ algorithms: string[]; jwksUri: string }> {
    const { issuerUrl } = this.options;
    const discoveryUrl = this.options.discoveryUrl ?? `${issuerUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const doc = await fetchJson(discoveryUrl, this.fetchOptions());
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new IssuerKeyError(`discovery document at ${discoveryUrl} is not an object`);
    const fields = doc as Record<string, unknown>;
    if (fields['issuer'] !== issuerUrl) {
      throw new IssuerKeyError(`discovery document issuer ${JSON.stringify(fields['issuer'])} does not match the configured URL ${JSON.stringify(issuerUrl)}`);
    }
    const jwksUri = fields['jwks_uri'];
    if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) throw new IssuerKeyError(`discovery document at ${discoveryUrl} has no HTTPS jwks_uri`);
    // OpenID Connect Discovery requires the list; RS256 is the algorithm every provider must support.
    const advertised = fields['id_token_signing_alg_values_supported'] ?? ['RS256'];
    if (!Array.isArray(advertised)) throw new IssuerKeyError(`discovery document at ${discoveryUrl}: id_token_signing_alg_values_supported is not a list`);
    const algorithms = this.options.allowedAlgorithms.filter((a) => advertised.includes(a));
    if (algorithms.length === 0) {
      throw new IssuerKeyError(`issuer ${issuerUrl} signs with ${JSON.stringify(advertised)}, none of which is allowed (${this.options.allowedAlgorithms.join(', ')})`);
    }
    return { algorithms, jwksUri };
  }

  private async parseJwks(doc: unknown, pinned: readonly string[]): Promise<VerificationKey[]> {
    const list = (doc as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) throw new IssuerKeyError('JWKS has no "keys" list');
    if (list.length > this.options.maxKeys) throw new IssuerKeyError(`JWKS has ${list.length} keys, more than the limit of ${this.options.maxKeys}`);
    const keys: VerificationKey[] = [];
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const jwk = item as Record<string, unknown>;
      // Only public signing keys: no private or symmetric material, nothing marked for encryption.
      if ('d' in jwk || jwk['kty'] === 'oct' || (jwk['use'] !== undefined && jwk['use'] !== 'sig')) continue;
      if (jwk['kid'] !== undefined && typeof jwk['kid'] !== 'string') continue;
      const fits = algorithmsForKey(jwk);
      const algorithms = (typeof jwk['alg'] === 'string' ? [jwk['alg']] : fits).filter((a) => fits.includes(a) && pinned.includes(a));
      if (algorithms.length === 0) continue;
      const byAlgorithm = new Map<string, CryptoKey>();
      for (const alg of algorithms) {
        try {
          byAlgorithm.set(alg, (await importJWK({ ...(jwk as JWK), alg, ext: false }, alg)) as CryptoKey);
        } catch {
          // A malformed key is skipped; the others still serve.
        }
      }
      if (byAlgorithm.size > 0) keys.push({ ...(typeof jwk['kid'] === 'string' ? { kid: jwk['kid'] } : {}), byAlgorithm });
    }
    if (keys.length === 0) throw new IssuerKeyError('JWKS holds no usable signing key');
    return keys;
  }
}
