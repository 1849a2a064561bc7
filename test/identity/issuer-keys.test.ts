import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IssuerKeys } from '../../src/identity/issuer-keys.js';
import { startOidcIssuer } from '../support/oidc-issuer.js';

function keysFor(issuer: { url: string; ca: string }, overrides: Partial<ConstructorParameters<typeof IssuerKeys>[0]> = {}) {
  return new IssuerKeys({
    issuerUrl: issuer.url,
    ca: issuer.ca,
    allowedAlgorithms: ['ES256', 'RS256'],
    maxKeys: 4,
    minRefreshIntervalMs: 0,
    refreshIntervalMs: 60_000,
    retryIntervalMs: 60_000,
    fetch: { timeoutMs: 2_000 },
    now: Date.now,
    ...overrides,
  });
}

describe('issuer keys', () => {
  it('refuses a JWKS with more keys than the limit and keeps the keys it had', async () => {
    const issuer = await startOidcIssuer();
    const keys = keysFor(issuer);
    try {
      await keys.start();
      assert.equal(keys.status().keys, 2);
      await issuer.rotateKeys({ keepOld: true });
      await issuer.rotateKeys({ keepOld: true });
      assert.equal((await keys.keysFor('unknown', 'ES256')).length, 0);
      assert.match(keys.status().lastError ?? '', /JWKS has 6 keys, more than the limit of 4/);
      assert.equal(keys.status().keys, 2);
    } finally {
      keys.close();
      await issuer.stop();
    }
  });

  it('refuses a plain-HTTP jwks_uri and an issuer without allowed algorithms', async () => {
    const issuer = await startOidcIssuer();
    try {
      issuer.setDiscovery({ jwks_uri: `${issuer.url.replace('https:', 'http:')}/keys` });
      const plain = keysFor(issuer);
      await plain.start();
      plain.close();
      assert.match(plain.status().lastError ?? '', /no HTTPS jwks_uri/);
      issuer.setDiscovery({ id_token_signing_alg_values_supported: ['HS256', 'none'] });
      const symmetric = keysFor(issuer);
      await symmetric.start();
      symmetric.close();
      assert.match(symmetric.status().lastError ?? '', /none of which is allowed/);
    } finally {
      await issuer.stop();
    }
  });

  it('times out an issuer that accepts connections but never answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const keys = keysFor({ url, ca: '' }, { fetch: { timeoutMs: 300 } });
    try {
      await keys.start();
      assert.match(keys.status().lastError ?? '', /timed out after 300 ms/);
      assert.equal(keys.status().loaded, false);
    } finally {
      keys.close();
      silent.close();
    }
  });
});
