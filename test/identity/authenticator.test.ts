import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createAuthenticator } from '../../src/identity/authenticator.js';
import type { Authenticator } from '../../src/identity/principal.js';
import { githubActionsClaims, gitlabCiClaims, humanClaims, startOidcIssuer, type TestOidcIssuer } from '../support/oidc-issuer.js';
import { configFor, exampleFor, minimalJwt } from './config-for.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('authenticator with the GitHub Actions example configuration', () => {
  let issuer: TestOidcIssuer;
  let authn: Authenticator;
  let clock = Date.now();
  const logs: string[] = [];
  const tokens: string[] = [];
  const registry = new Registry();
  const ghToken = async (overrides: Record<string, unknown> = {}, options: Parameters<TestOidcIssuer['issue']>[1] = {}) => {
    const token = await issuer.issue(githubActionsClaims({ repository: 'example-org/app', ...overrides }), options);
    tokens.push(token);
    return token;
  };
  const refused = async (token: string, reason: RegExp) => {
    tokens.push(token);
    const result = await authn.authenticate(token);
    assert.equal(result.ok, false, `expected refusal (${reason})`);
    if (!result.ok) {
      assert.match(result.reason, reason);
      for (const part of token.split('.')) if (part.length > 8) assert.ok(!result.reason.includes(part), 'reason echoes the token');
    }
  };

  before(async () => {
    issuer = await startOidcIssuer();
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    authn = createAuthenticator(exampleFor('github-actions.yaml', issuer), { now: () => clock, metrics: registry, logger });
    await authn.whenLoaded();
  });
  after(async () => {
    await authn.close();
    await issuer.stop();
  });

  it('loads the keys and reports ready', () => {
    assert.equal(authn.ready(), true);
    const [status] = authn.readiness();
    assert.equal(status?.issuer, issuer.url);
    assert.equal(status?.keys, 2);
    assert.equal(status?.lastError, undefined);
  });

  it('maps a workflow token to the documented user, groups, uid and extra', async () => {
    const result = await authn.authenticate(await ghToken());
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.deepEqual(result.principal.user, {
      username: 'github:repo:example-org/app:ref:refs/heads/main',
      groups: ['github:example-org', 'github:example-org/app'],
      uid: '123456789',
      extra: {
        'gatehouse.dev/repository': ['example-org/app'],
        'gatehouse.dev/ref': ['refs/heads/main'],
        'gatehouse.dev/workflow': ['example-org/app/.github/workflows/deploy.yml@refs/heads/main'],
        'gatehouse.dev/environment': ['production'],
        'gatehouse.dev/sha': ['4f0c1a3b6b2f5a1e9d8c7b6a5f4e3d2c1b0a9f8e'],
        'gatehouse.dev/run-id': ['9876543210'],
        'gatehouse.dev/actor': ['octocat'],
      },
    });
    assert.equal(result.principal.issuer, issuer.url);
    assert.equal(result.principal.claims['repository'], 'example-org/app');
    assert.ok(result.principal.expiresAt.getTime() > Date.now());
  });

  it('omits the environment extra for jobs without an environment, and verifies RS256 tokens too', async () => {
    const result = await authn.authenticate(await ghToken({ environment: undefined }, { alg: 'RS256' }));
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(result.principal.user.extra?.['gatehouse.dev/environment'], undefined);
  });

  it('serves a repeated token from the cache', async () => {
    const token = await ghToken({ run_id: '1' });
    const first = await authn.authenticate(token);
    const second = await authn.authenticate(token);
    assert.ok(first.ok && second.ok);
    assert.equal(second.principal, first.principal);
    const metric = await registry.getSingleMetricAsString('gatehouse_authentication_duration_seconds');
    assert.match(metric, new RegExp(`gatehouse_authentication_duration_seconds_count\\{issuer="${issuer.url.replace(/[.]/g, '\\.')}",outcome="cached"\\} [1-9]`));
  });

  it('refuses workflows of other organisations (the example claim validation rule)', async () => {
    await refused(await ghToken({ repository: 'attacker/app', repository_owner: 'attacker' }), /only workflows of example-org/);
  });

  it('refuses alg none', async () => {
    const claims = githubActionsClaims({ repository: 'example-org/app', iss: issuer.url, exp: Math.floor(Date.now() / 1000) + 600 });
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, /malformed/);
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.${b64('x')}`, /algorithm none is not allowed/);
  });

  it('refuses HS256 signed with the issuer public key (algorithm confusion)', async () => {
    const claims = githubActionsClaims({ repository: 'example-org/app', iss: issuer.url, exp: Math.floor(Date.now() / 1000) + 600 });
    for (const key of issuer.keys) {
      for (const secret of [key.publicPem, JSON.stringify(key.publicJwk)]) {
        const input = `${b64({ alg: 'HS256', kid: key.kid })}.${b64(claims)}`;
        const signature = createHmac('sha256', secret).update(input).digest('base64url');
        await refused(`${input}.${signature}`, /algorithm HS256 is not allowed/);
      }
    }
  });

  it('refuses expired and not-yet-valid tokens, beyond the clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await ghToken({ iat: now - 700, exp: now - 60 }), /expired/);
    await refused(await ghToken({ nbf: now + 300 }), /not valid yet/);
    await refused(await ghToken({ iat: now + 300 }), /issued in the future/);
    const withinSkew = await authn.authenticate(await ghToken({ iat: now - 700, exp: now - 10 }));
    assert.ok(withinSkew.ok, 'a token expired 10 s ago is inside the 30 s skew');
  });

  it('refuses a wrong audience, a wrong issuer and an issuer that differs only by a trailing slash', async () => {
    await refused(await ghToken({ aud: 'sigstore' }), /audience/);
    await refused(await ghToken({ aud: ['other', 'another'] }), /audience/);
    await refused(await ghToken({ iss: 'https://token.actions.githubusercontent.com' }), /issuer is not trusted/);
    await refused(await ghToken({ iss: `${issuer.url}/` }), /issuer is not trusted/);
  });

  it('refuses tokens whose header names a key (jku, x5u, jwk, x5c)', async () => {
    const jwk = issuer.keys[0]!.publicJwk;
    for (const header of [{ jku: `${issuer.url}/keys` }, { x5u: 'https://attacker.example/cert.pem' }, { jwk }, { x5c: ['MIIB'] }]) {
      await refused(await ghToken({}, { header }), /keys come only from the issuer's JWKS/);
    }
  });

  it('refuses a tampered payload, a signature from another key and a key/algorithm mismatch', async () => {
    const token = await ghToken();
    const [header, , signature] = token.split('.');
    const forged = githubActionsClaims({ repository: 'example-org/app', iss: issuer.url, exp: Math.floor(Date.now() / 1000) + 600, sub: 'repo:example-org/admin:ref:refs/heads/main' });
    await refused(`${header}.${b64(forged)}.${signature}`, /invalid token signature/);
    const rsaKid = issuer.keys.find((k) => k.alg === 'RS256')!.kid;
    const ecToken = await ghToken();
    const [, payload, ecSignature] = ecToken.split('.');
    await refused(`${b64({ alg: 'ES256', kid: rsaKid, typ: 'JWT' })}.${payload}.${ecSignature}`, /unknown signing key|no signing key/);
  });

  it('refuses truncated, garbage and oversized tokens', async () => {
    const token = await ghToken();
    await refused(token.slice(0, token.lastIndexOf('.') + 10), /invalid token signature/);
    await refused(token.slice(0, token.lastIndexOf('.')), /malformed/);
    await refused('not-a-token', /malformed/);
    await refused(`${token}.${token}`, /malformed/);
    await refused('', /empty/);
    await refused(token.replace('.', '.+'), /invalid encoding/);
    await refused(await ghToken({ padding: 'x'.repeat(20_000) }), /too large/);
  });

  it('refuses tokens without exp or sub', async () => {
    await refused(await ghToken({ exp: undefined }), /no expiry/);
    await refused(await ghToken({ sub: undefined }), /no subject/);
    await refused(await ghToken({ exp: '9999999999' }), /exp is not a number/);
  });

  it('refuses an unknown kid, refreshing the JWKS at most once per interval', async () => {
    clock += 11_000;
    const before = issuer.requests.get('/keys') ?? 0;
    const valid = await ghToken();
    const [, payload, signature] = valid.split('.');
    await refused(`${b64({ alg: 'ES256', kid: 'made-up-1', typ: 'JWT' })}.${payload}.${signature}`, /unknown signing key/);
    assert.equal(issuer.requests.get('/keys'), before + 1, 'one refresh for the first unknown kid');
    for (let i = 2; i < 6; i++) await refused(`${b64({ alg: 'ES256', kid: `made-up-${i}`, typ: 'JWT' })}.${payload}.${signature}`, /unknown signing key/);
    assert.equal(issuer.requests.get('/keys'), before + 1, 'no further refresh within the interval');
  });

  it('picks up rotated keys when a token names a new kid', async () => {
    clock += 11_000;
    await issuer.rotateKeys();
    const result = await authn.authenticate(await ghToken());
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(authn.readiness()[0]?.keys, 2);
  });

  it('keeps serving cached keys when the issuer becomes unreachable, and readiness shows the failure', async () => {
    issuer.setMode('unreachable');
    try {
      clock += 11_000;
      const fresh = await authn.authenticate(await ghToken({ run_id: 'during-outage' }));
      assert.ok(fresh.ok, 'a token signed with a cached key still verifies');
      const valid = await ghToken();
      const [, payload, signature] = valid.split('.');
      await refused(`${b64({ alg: 'ES256', kid: 'after-outage', typ: 'JWT' })}.${payload}.${signature}`, /unknown signing key/);
      const [status] = authn.readiness();
      assert.equal(status?.ready, true);
      assert.match(status?.lastError ?? '', /socket|ECONNRESET|disconnected/i);
      assert.equal(authn.ready(), true);
    } finally {
      issuer.setMode('ok');
    }
    clock += 11_000;
    const valid = await ghToken();
    const [, payload, signature] = valid.split('.');
    await refused(`${b64({ alg: 'ES256', kid: 'after-recovery', typ: 'JWT' })}.${payload}.${signature}`, /unknown signing key/);
    assert.equal(authn.readiness()[0]?.lastError, undefined, 'a successful refresh clears the failure');
  });

  it('counts JWKS fetches by outcome and never logs a token', async () => {
    const fetches = await registry.getSingleMetricAsString('gatehouse_jwks_fetches_total');
    assert.match(fetches, /outcome="success"\} [1-9]/);
    assert.match(fetches, /outcome="failure"\} [1-9]/);
    const text = logs.join('');
    assert.ok(logs.length > 0);
    for (const token of tokens) for (const part of token.split('.')) if (part.length > 8) assert.ok(!text.includes(part), 'a log line contains a token part');
  });
});

describe('authenticator: claim mappings that would reach system: identities', () => {
  let issuer: TestOidcIssuer;
  let authn: Authenticator;
  before(async () => {
    issuer = await startOidcIssuer();
    authn = createAuthenticator(configFor(minimalJwt(issuer, { claimMappings: { username: { claim: 'sub', prefix: '' }, groups: { claim: 'groups', prefix: '' } } })));
    await authn.whenLoaded();
  });
  after(async () => {
    await authn.close();
    await issuer.stop();
  });

  it('refuses a system: username or group', async () => {
    for (const [claims, reason] of [
      [{ sub: 'system:serviceaccount:kube-system:admin' }, /username maps into the reserved "system:"/],
      [{ sub: 'jane', groups: ['dev', 'system:masters'] }, /group maps into the reserved "system:"/],
      [{ sub: 'jane', groups: 'system:masters' }, /group maps into the reserved "system:"/],
    ] as const) {
      const result = await authn.authenticate(await issuer.issue({ aud: 'gatehouse', ...claims }));
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    }
    const ok = await authn.authenticate(await issuer.issue({ aud: 'gatehouse', sub: 'jane', groups: 'dev' }));
    assert.ok(ok.ok);
    assert.deepEqual(ok.principal.user, { username: 'jane', groups: ['dev'] });
  });
});

describe('authenticator with the GitLab CI and human IdP examples', () => {
  let gitlab: TestOidcIssuer;
  let idp: TestOidcIssuer;
  let authn: Authenticator;
  before(async () => {
    gitlab = await startOidcIssuer();
    idp = await startOidcIssuer({ path: '/realms/corp' });
    const config = exampleFor('gitlab-ci.yaml', gitlab);
    config.jwt.push(...exampleFor('human-idp.yaml', idp).jwt);
    authn = createAuthenticator(config);
    await authn.whenLoaded();
  });
  after(async () => {
    await authn.close();
    await gitlab.stop();
    await idp.stop();
  });

  it('maps a GitLab CI job token', async () => {
    const result = await authn.authenticate(await gitlab.issue(gitlabCiClaims({ project_path: 'example-group/app', ci_config_ref_uri: 'gitlab.com/example-group/app//.gitlab-ci.yml@refs/heads/main' })));
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(result.principal.user.username, 'gitlab:project_path:example-group/app:ref_type:branch:ref:main');
    assert.deepEqual(result.principal.user.groups, ['gitlab:example-group', 'gitlab:example-group/app']);
    assert.equal(result.principal.user.uid, '20');
    assert.deepEqual(result.principal.user.extra?.['gatehouse.dev/workflow'], ['gitlab.com/example-group/app//.gitlab-ci.yml@refs/heads/main']);
    assert.deepEqual(result.principal.user.extra?.['gatehouse.dev/pipeline-source'], ['push']);
    assert.deepEqual(result.principal.user.extra?.['gatehouse.dev/run-id'], ['574']);
    const other = await authn.authenticate(await gitlab.issue(gitlabCiClaims({ project_path: 'other/app' })));
    assert.equal(other.ok, false);
  });

  it('maps a person with verified email and groups, and refuses unverified emails and other domains', async () => {
    const result = await authn.authenticate(await idp.issue(humanClaims()));
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.deepEqual(result.principal.user, { username: 'jane@example.com', groups: ['oidc:developers', 'oidc:sre'], uid: 'a6f3c2b1-0d9e-4f8a-b7c6-5d4e3f2a1b0c' });
    const unverified = await authn.authenticate(await idp.issue(humanClaims({ email_verified: false })));
    assert.equal(unverified.ok, false);
    const elsewhere = await authn.authenticate(await idp.issue(humanClaims({ email: 'mallory@evil.example' })));
    assert.ok(!elsewhere.ok && /only example\.com accounts/.test(elsewhere.reason));
  });

  it('keeps issuers apart: a token is checked only by the issuer its iss names', async () => {
    const crossed = await authn.authenticate(await gitlab.issue(humanClaims({ iss: idp.url })));
    assert.ok(!crossed.ok && /signature|signing key/.test(crossed.reason));
  });
});

describe('authenticator: issuer discovery problems', () => {
  it('is not ready while the discovery issuer does not match, and says why', async () => {
    const issuer = await startOidcIssuer();
    issuer.setDiscovery({ issuer: 'https://impostor.example' });
    const authn = createAuthenticator(configFor(minimalJwt(issuer)));
    try {
      await authn.whenLoaded();
      assert.equal(authn.ready(), false);
      assert.match(authn.readiness()[0]?.lastError ?? '', /does not match the configured URL/);
      const result = await authn.authenticate(await issuer.issue({ aud: 'gatehouse', sub: 'jane' }));
      assert.equal(result.ok, false);
    } finally {
      await authn.close();
      await issuer.stop();
    }
  });

  it('pins the algorithms the issuer advertises', async () => {
    const issuer = await startOidcIssuer();
    issuer.setDiscovery({ id_token_signing_alg_values_supported: ['RS256'] });
    const authn = createAuthenticator(configFor(minimalJwt(issuer)));
    try {
      await authn.whenLoaded();
      assert.ok((await authn.authenticate(await issuer.issue({ aud: 'gatehouse', sub: 'jane' }, { alg: 'RS256' }))).ok);
      const es = await authn.authenticate(await issuer.issue({ aud: 'gatehouse', sub: 'jane' }, { alg: 'ES256' }));
      assert.ok(!es.ok && /not used by this issuer/.test(es.reason));
    } finally {
      await authn.close();
      await issuer.stop();
    }
  });

  it('does not trust an issuer whose certificate the configured CA did not sign', async () => {
    const issuer = await startOidcIssuer();
    const other = await startOidcIssuer();
    const authn = createAuthenticator(configFor(minimalJwt(issuer, { issuer: { url: issuer.url, certificateAuthority: other.ca, audiences: ['gatehouse'] } })));
    try {
      await authn.whenLoaded();
      assert.equal(authn.ready(), false);
      assert.match(authn.readiness()[0]?.lastError ?? '', /certificate/i);
    } finally {
      await authn.close();
      await issuer.stop();
      await other.stop();
    }
  });
});
