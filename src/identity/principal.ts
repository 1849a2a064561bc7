// The contract between token verification and its callers (the proxy):
//   const config = loadAuthenticationConfigFile(path)            // Kubernetes AuthenticationConfiguration, validated
//   const authn = createAuthenticator(config, { metrics, logger }) // starts fetching every issuer's keys at once
//   const result = await authn.authenticate(bearerToken)           // never throws, never echoes the token
//   result.ok ? result.principal : result.reason                   // reason: short, safe to return to the client
//   await authn.whenLoaded()  // every issuer's first key load has been attempted (succeeded or failed)
//   authn.ready()        // true once every issuer's keys are loaded; stays true while cached keys serve
//   authn.readiness()    // per-issuer status for /readyz (keys loaded, last refresh, last error)
//   await authn.close()  // stops scheduled key refreshes
import type { UserInfo } from '../policy/policy.js';

/** Who a verified token speaks for: the mapped Kubernetes user and where it came from. */
export interface Principal {
  /** The Kubernetes user the request is made as (impersonated upstream). */
  user: UserInfo;
  /** The `iss` of the token, equal to the configured issuer URL. */
  issuer: string;
  /** The token's verified claims (for access conditions and audit). */
  claims: Readonly<Record<string, unknown>>;
  /** The token's `exp`. */
  expiresAt: Date;
}

export type AuthenticationResult =
  | { ok: true; principal: Principal }
  | {
      ok: false;
      /** Short and safe to send to the client; never contains the token. */
      reason: string;
      /** The configured issuer the token claimed, when it named one. */
      issuer?: string;
    };

export interface IssuerReadiness {
  issuer: string;
  /** Keys have been loaded at least once (cached keys keep serving after later failures). */
  ready: boolean;
  /** Number of usable keys cached. */
  keys: number;
  lastRefresh?: Date;
  /** The last refresh failed (cleared on success). */
  lastError?: string;
}

export interface Authenticator {
  authenticate(token: string): Promise<AuthenticationResult>;
  /** Resolves when every issuer's first key load has been attempted; never rejects. */
  whenLoaded(): Promise<void>;
  ready(): boolean;
  readiness(): IssuerReadiness[];
  close(): Promise<void>;
}
