// People: OpenID Connect authorization code flow with PKCE (RFC 7636) and a loopback redirect (RFC 8252). The
// ID token is cached per issuer + client + audience and renewed with the refresh token when the IdP issued one;
// the browser opens only when neither works. Clients are public (PKCE alone) unless a client secret is given, for
// IdPs that register desktop clients with one (Google, some Keycloak and Entra ID set-ups): RFC 8252 notes such a
// secret identifies the application rather than proving anything, and PKCE stays on either way.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { FetchError, fetchJson, type HttpsJsonOptions } from '../identity/https-json.js';
import { CredentialError, tokenExpiry } from './exec-credential.js';
import type { CachedTokens, TokenCacheFile } from './token-cache.js';

export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];
export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;
/** A cached token with less validity than this is renewed first, so kubectl never sends one about to expire. */
const MIN_VALIDITY_MS = 60_000;
const MAX_CALLBACK_URL = 8 * 1024;

export interface OidcLoginOptions {
  issuer: string;
  clientId: string;
  /** Sent to the token endpoint: HTTP Basic (client_secret_basic), or in the form (client_secret_post). */
  clientSecret?: string;
  scopes?: readonly string[];
  /** Sent as `audience` on the authorization request, for IdPs that issue tokens for a named API. */
  audience?: string;
  /** Extra CA (PEM) for the IdP. */
  ca?: string;
  /** Loopback port for the redirect (0 = any free port). */
  listenPort?: number;
  timeoutMs?: number;
  cache?: TokenCacheFile;
  /** Shows the sign-in URL to the user (prints it, opens a browser). */
  presentUrl: (url: string) => void | Promise<void>;
  now?: () => number;
}

type ClientAuthentication = 'client_secret_basic' | 'client_secret_post';

interface ProviderEndpoints {
  authorization: string;
  token: string;
  /** The client secret methods the IdP supports, most preferred first (OpenID Connect Discovery's default: Basic). */
  secretMethods: ClientAuthentication[];
}

interface TokenResponse {
  id_token?: unknown;
  refresh_token?: unknown;
}

async function discover(issuer: string, ca: string | undefined): Promise<ProviderEndpoints> {
  const doc = (await fetchJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, ca ? { ca } : {})) as Record<string, unknown> | null;
  if (doc?.['issuer'] !== issuer) throw new CredentialError(`the discovery document of ${issuer} names a different issuer`);
  const authorization = doc['authorization_endpoint'];
  const token = doc['token_endpoint'];
  if (typeof authorization !== 'string' || !authorization.startsWith('https://') || typeof token !== 'string' || !token.startsWith('https://')) {
    throw new CredentialError(`the discovery document of ${issuer} lacks HTTPS authorization and token endpoints`);
  }
  const listed = doc['token_endpoint_auth_methods_supported'];
  const methods = Array.isArray(listed) ? listed : ['client_secret_basic'];
  const secretMethods = (['client_secret_basic', 'client_secret_post'] as const).filter((m) => methods.includes(m));
  return { authorization, token, secretMethods };
}

/**
 * A token endpoint request, with the client secret when there is one. A client registered for the form method is
 * refused the Basic one with 400 or 401 (invalid_client) before its grant is looked at, so the form is tried next,
 * as OAuth client libraries do.
 */
async function tokenRequest(options: OidcLoginOptions, endpoints: ProviderEndpoints, form: Record<string, string>): Promise<TokenResponse> {
  const { clientId, clientSecret } = options;
  const post = (extra: Partial<HttpsJsonOptions>) => fetchJson(endpoints.token, { method: 'POST', form, ...(options.ca ? { ca: options.ca } : {}), ...extra }) as Promise<TokenResponse>;
  if (clientSecret === undefined) return post({ form: { ...form, client_id: clientId } });
  let refused: unknown = new CredentialError(`${options.issuer} supports neither client_secret_basic nor client_secret_post for a client secret`);
  for (const method of endpoints.secretMethods) {
    try {
      if (method === 'client_secret_post') return await post({ form: { ...form, client_id: clientId, client_secret: clientSecret } });
      // RFC 6749 §2.3.1: both parts form-encoded before they are joined.
      return await post({ headers: { authorization: `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}` } });
    } catch (err) {
      if (!(err instanceof FetchError && (err.status === 400 || err.status === 401))) throw err;
      refused = err;
    }
  }
  throw refused;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

const random = () => randomBytes(32).toString('base64url');

/** Checks what the client can check of an ID token from the token endpoint (received directly over TLS). */
function checkIdToken(idToken: unknown, options: OidcLoginOptions, nonce?: string): string {
  if (typeof idToken !== 'string') throw new CredentialError('the identity provider returned no ID token');
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new CredentialError('the identity provider returned an ID token that is not a JWT');
  }
  const aud = claims['aud'];
  if (claims['iss'] !== options.issuer) throw new CredentialError('the ID token names a different issuer');
  if (!(aud === options.clientId || (Array.isArray(aud) && aud.includes(options.clientId)))) throw new CredentialError('the ID token is not for this client');
  if (nonce !== undefined && claims['nonce'] !== nonce) throw new CredentialError('the ID token does not carry the nonce of this sign-in');
  tokenExpiry(idToken);
  return idToken;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Waits for the IdP to redirect the browser back with `code` and the expected `state`. */
function awaitCallback(server: Server, state: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CredentialError(`no sign-in completed within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    server.on('request', (req, res) => {
      const url = new URL((req.url ?? '/').slice(0, MAX_CALLBACK_URL), 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== '/callback' || url.searchParams.get('state') !== state) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const page = (text: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Gatehouse</title><p>${text}</p>`);
      clearTimeout(timer);
      const error = url.searchParams.get('error');
      const code = url.searchParams.get('code');
      if (error || !code) {
        page('Sign-in failed. You can close this window.');
        reject(new CredentialError(`sign-in failed: ${(error ?? 'no authorization code').replace(/[^\w.-]/g, '').slice(0, 64)}`));
        return;
      }
      page('Signed in. You can close this window and return to the terminal.');
      resolve(code);
    });
  });
}

async function signIn(options: OidcLoginOptions, endpoints: ProviderEndpoints): Promise<TokenResponse> {
  const server = await listen(options.listenPort ?? 0);
  try {
    const { port } = server.address() as { port: number };
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const state = random();
    const nonce = random();
    const verifier = random();
    const authorize = new URL(endpoints.authorization);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: redirectUri,
      scope: (options.scopes ?? DEFAULT_SCOPES).join(' '),
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(options.audience ? { audience: options.audience } : {}),
    };
    for (const [name, value] of Object.entries(params)) authorize.searchParams.set(name, value);
    const codePromise = awaitCallback(server, state, options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS);
    await options.presentUrl(authorize.toString());
    const code = await codePromise;
    const response = await tokenRequest(options, endpoints, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    checkIdToken(response.id_token, options, nonce);
    return response;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function refresh(options: OidcLoginOptions, endpoints: ProviderEndpoints, refreshToken: string): Promise<TokenResponse | undefined> {
  try {
    const response = await tokenRequest(options, endpoints, { grant_type: 'refresh_token', refresh_token: refreshToken });
    checkIdToken(response.id_token, options);
    return response;
  } catch {
    // Revoked or expired refresh token, or no ID token on refresh: sign in again.
    return undefined;
  }
}

/** An ID token for the user: cached, refreshed, or from a new browser sign-in. */
export async function obtainOidcToken(options: OidcLoginOptions): Promise<string> {
  const now = options.now ?? Date.now;
  const cached = options.cache?.read();
  if (cached) {
    try {
      if (tokenExpiry(cached.idToken).getTime() - now() > MIN_VALIDITY_MS) return cached.idToken;
    } catch {
      options.cache?.remove();
    }
  }
  const endpoints = await discover(options.issuer, options.ca);
  const refreshed = cached?.refreshToken ? await refresh(options, endpoints, cached.refreshToken) : undefined;
  const response = refreshed ?? (await signIn(options, endpoints));
  // Some IdPs rotate the refresh token on use, others keep it: after a refresh, keep the old one unless a new came.
  const refreshToken = typeof response.refresh_token === 'string' ? response.refresh_token : refreshed ? cached?.refreshToken : undefined;
  const tokens: CachedTokens = { idToken: response.id_token as string, ...(refreshToken ? { refreshToken } : {}) };
  options.cache?.write(tokens);
  return tokens.idToken;
}
