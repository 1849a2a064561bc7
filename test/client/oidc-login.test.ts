import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAuthenticator } from '../../src/identity/authenticator.js';
import { tokenExpiry } from '../../src/client/exec-credential.js';
import { obtainOidcToken, type OidcLoginOptions } from '../../src/client/oidc-login.js';
import { TokenCacheFile } from '../../src/client/token-cache.js';
import { startOidcProvider, type TestOidcProvider } from './oidc-provider-fixture.js';
import { exampleFor } from '../identity/config-for.js';

const account = { sub: 'jane-0001', email: 'jane@example.com', email_verified: true, groups: ['developers', 'sre'] };

describe('people sign-in: authorization code + PKCE against oidc-provider', () => {
  let provider: TestOidcProvider;
  let dir: string;
  let options: (overrides?: Partial<OidcLoginOptions>) => OidcLoginOptions;

  before(async () => {
    provider = await startOidcProvider(account);
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-login-'));
    const cache = new TokenCacheFile(join(dir, 'tokens'), { issuer: provider.url, clientId: provider.clientId });
    options = (overrides = {}) => ({
      issuer: provider.url,
      clientId: provider.clientId,
      scopes: ['openid', 'email', 'groups', 'offline_access'],
      ca: provider.ca,
      cache,
      timeoutMs: 20_000,
      presentUrl: (url) => void provider.browse(url),
      ...overrides,
    });
  });
  after(async () => {
    await provider.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the browser with PKCE and the token passes the human IdP example configuration', async () => {
    let presented = '';
    const token = await obtainOidcToken(options({ presentUrl: (url) => void ((presented = url), provider.browse(url)) }));
    const url = new URL(presented);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(url.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.ok(url.searchParams.get('state') && url.searchParams.get('nonce'));

    const authn = createAuthenticator(exampleFor('human-idp.yaml', provider));
    try {
      await authn.whenLoaded();
      const result = await authn.authenticate(token);
      assert.ok(result.ok, !result.ok ? result.reason : '');
      assert.deepEqual(result.principal.user, { username: 'jane@example.com', groups: ['oidc:developers', 'oidc:sre'], uid: 'jane-0001' });
    } finally {
      await authn.close();
    }
  });

  it('caches the tokens in a 0600 file and reuses the ID token without a browser', async () => {
    const cache = options().cache!;
    assert.equal(statSync(cache.path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'tokens')).mode & 0o777, 0o700);
    assert.ok(cache.read()?.refreshToken, 'offline_access gave a refresh token');
    const signIns = provider.signIns;
    const again = await obtainOidcToken(options({ presentUrl: () => assert.fail('no browser expected') }));
    assert.equal(again, cache.read()?.idToken);
    assert.equal(provider.signIns, signIns);
  });

  it('renews an expiring ID token with the refresh token, without a browser', async () => {
    const cache = options().cache!;
    const before = cache.read()!;
    const expiry = tokenExpiry(before.idToken).getTime();
    const refreshes = provider.grants['refresh_token'] ?? 0;
    const renewed = await obtainOidcToken(options({ now: () => expiry - 30_000, presentUrl: () => assert.fail('no browser expected') }));
    assert.equal(provider.grants['refresh_token'], refreshes + 1);
    assert.equal(cache.read()?.idToken, renewed);
    assert.ok(tokenExpiry(renewed).getTime() >= expiry);
  });

  it('falls back to the browser when the refresh token no longer works', async () => {
    await provider.revokeGrants();
    const cache = options().cache!;
    const expiry = tokenExpiry(cache.read()!.idToken).getTime();
    const signIns = provider.signIns;
    const token = await obtainOidcToken(options({ now: () => expiry - 30_000 }));
    assert.equal(provider.signIns, signIns + 1);
    assert.equal(cache.read()?.idToken, token);
  });

  it('ignores a cache file that others can read', async () => {
    const cache = new TokenCacheFile(join(dir, 'loose'), { issuer: provider.url, clientId: 'x' });
    cache.write({ idToken: 'a.b.c' });
    chmodSync(cache.path, 0o644);
    assert.equal(cache.read(), undefined);
  });

  it('refuses a callback with the wrong state and gives up after the timeout', async () => {
    await assert.rejects(
      obtainOidcToken(
        options({
          cache: new TokenCacheFile(join(dir, 'other'), { issuer: provider.url, clientId: provider.clientId }),
          timeoutMs: 1_500,
          presentUrl: async (url) => {
            const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
            redirect.searchParams.set('state', 'forged');
            redirect.searchParams.set('code', 'attacker-code');
            const status = await fetch(redirect).then((r) => r.status);
            assert.equal(status, 404);
          },
        }),
      ),
      /no sign-in completed within 2 s/,
    );
  });
});

describe('people sign-in with a client secret (IdPs that register desktop clients as confidential)', () => {
  for (const authentication of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`signs in and refreshes with ${authentication}, and a wrong secret gets no token`, async () => {
      // A secret with characters RFC 6749 form-encodes before Basic authentication.
      const clientSecret = 'secret:with/odd+chars= and %20 space';
      const provider = await startOidcProvider(account, { clientSecret, authentication });
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-login-secret-'));
      try {
        const cache = new TokenCacheFile(join(dir, 'tokens'), { issuer: provider.url, clientId: provider.clientId });
        const options = (overrides: Partial<OidcLoginOptions> = {}): OidcLoginOptions => ({
          issuer: provider.url,
          clientId: provider.clientId,
          clientSecret,
          scopes: ['openid', 'email', 'offline_access'],
          ca: provider.ca,
          cache,
          timeoutMs: 20_000,
          presentUrl: (url) => void provider.browse(url),
          ...overrides,
        });
        const token = await obtainOidcToken(options());
        assert.equal(provider.grants['authorization_code'], 1);
        const renewed = await obtainOidcToken(options({ now: () => tokenExpiry(token).getTime() - 30_000, presentUrl: () => assert.fail('no browser expected') }));
        assert.equal(provider.grants['refresh_token'], 1);
        assert.equal(cache.read()?.idToken, renewed);

        const wrong = new TokenCacheFile(join(dir, 'wrong'), { issuer: provider.url, clientId: provider.clientId });
        await assert.rejects(obtainOidcToken(options({ clientSecret: 'not-the-secret', cache: wrong })), /HTTP 40[01]/);
        await assert.rejects(obtainOidcToken(options({ clientSecret: undefined as never, cache: wrong })), /HTTP 40[01]/);
        assert.equal(provider.grants['authorization_code'], 1);
      } finally {
        await provider.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
