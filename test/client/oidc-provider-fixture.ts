// A real OpenID Provider (oidc-provider, an OpenID-certified implementation) over HTTPS for the people sign-in
// flow, with a test interaction handler standing in for the person: it signs in as the configured account and
// grants the requested scopes. `browse(url)` plays the browser: it follows redirects with a cookie jar until the
// provider redirects to the loopback callback, which it then calls.
import { request as httpRequest } from 'node:http';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { createTestTls, type TestTls } from '../support/tls.js';

export interface TestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  groups: string[];
}

export interface TestOidcProvider {
  url: string;
  ca: string;
  caFile: string;
  clientId: string;
  /** Pages the headless browser opened (each sign-in starts with one). */
  signIns: number;
  /** Successful token endpoint grants by grant_type. */
  grants: Record<string, number>;
  /** Follows the authorization URL through sign-in and consent to the loopback callback; returns its status. */
  browse(url: string): Promise<number>;
  /** Revokes every grant, so refresh tokens stop working. */
  revokeGrants(): Promise<void>;
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  location?: string;
  cookies: string[];
}

function get(url: string, cookies: Map<string, string>, ca: string): Promise<Reply> {
  const target = new URL(url);
  const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: 'GET', headers, ...(target.protocol === 'https:' ? { ca } : {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), cookies: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end();
  });
}

export interface TestClientOptions {
  clientId?: string;
  /** Registers a confidential client with this secret, authenticating with `authentication` (default Basic). */
  clientSecret?: string;
  authentication?: 'client_secret_basic' | 'client_secret_post';
}

export async function startOidcProvider(account: TestAccount, options: TestClientOptions = {}): Promise<TestOidcProvider> {
  const tls: TestTls = await createTestTls();
  const clientId = options.clientId ?? 'gatehouse';
  const server: Server = createServer({ cert: tls.server.cert, key: tls.server.key });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'provider-rs256', alg: 'RS256', use: 'sig' };

  const provider = new Provider(url, {
    clients: [
      {
        client_id: clientId,
        application_type: 'native',
        ...(options.clientSecret !== undefined
          ? { client_secret: options.clientSecret, token_endpoint_auth_method: options.authentication ?? 'client_secret_basic' }
          : { token_endpoint_auth_method: 'none' }),
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['gatehouse-test-cookie-key'] },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'], profile: ['name'] },
    // Put the scope claims into the ID token itself: that is what the proxy verifies.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: { IdToken: 600, AccessToken: 600, RefreshToken: 86_400, Grant: 86_400, Session: 86_400, Interaction: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx: unknown, sub: string) => (sub === account.sub ? { accountId: sub, claims: async () => ({ ...account }) } : undefined),
  });
  const grantIds: string[] = [];
  const grants: Record<string, number> = {};
  provider.on('grant.success', (ctx: { oidc: { params: { grant_type: string } } }) => {
    grants[ctx.oidc.params.grant_type] = (grants[ctx.oidc.params.grant_type] ?? 0) + 1;
  });

  const handleInteraction = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: account.sub, clientId });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant!.save();
    grantIds.push(grantId);
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      handleInteraction(req, res).catch((err: Error) => res.writeHead(500).end(err.message));
      return;
    }
    callback(req, res);
  });

  const fixture: TestOidcProvider = {
    url,
    ca: tls.ca,
    caFile: tls.caFile,
    clientId,
    signIns: 0,
    grants,
    async browse(start) {
      fixture.signIns++;
      const cookies = new Map<string, string>();
      let next = start;
      for (let hop = 0; hop < 20; hop++) {
        const reply = await get(next, cookies, tls.ca);
        for (const cookie of reply.cookies) {
          const [pair] = cookie.split(';');
          const eq = pair!.indexOf('=');
          cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
        }
        if (next.startsWith('http://127.0.0.1')) return reply.status;
        if (!reply.location) throw new Error(`sign-in stopped at ${new URL(next).pathname} with HTTP ${reply.status}`);
        next = new URL(reply.location, next).toString();
      }
      throw new Error('too many redirects');
    },
    async revokeGrants() {
      for (const id of grantIds) await (await provider.Grant.find(id))?.destroy();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      tls.cleanup();
    },
  };
  return fixture;
}
