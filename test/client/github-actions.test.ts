import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execCredential } from '../../src/client/exec-credential.js';
import { readGitLabCiToken } from '../../src/client/gitlab-ci.js';
import { requestGitHubActionsToken } from '../../src/client/github-actions.js';
import { resolveProvider } from '../../src/client/token-source.js';
import { createAuthenticator } from '../../src/identity/authenticator.js';
import { startOidcIssuer, type TestOidcIssuer } from '../support/oidc-issuer.js';
import { exampleFor } from '../identity/config-for.js';
import { startRunner, type TestRunner } from './github-actions-runner.js';

describe('CI token sources', () => {
  let issuer: TestOidcIssuer;
  let runner: TestRunner;
  before(async () => {
    issuer = await startOidcIssuer();
    runner = await startRunner(issuer);
  });
  after(async () => {
    await runner.stop();
    await issuer.stop();
  });

  it('requests a GitHub Actions ID token for the audience, and the proxy-side configuration accepts it', async () => {
    const token = await requestGitHubActionsToken({ audience: 'gatehouse', env: runner.env(), ca: issuer.ca });
    assert.deepEqual(runner.audiences, ['gatehouse']);
    const authn = createAuthenticator(exampleFor('github-actions.yaml', issuer));
    try {
      await authn.whenLoaded();
      const result = await authn.authenticate(token);
      assert.ok(result.ok, !result.ok ? result.reason : '');
      assert.equal(result.principal.user.username, 'github:repo:example-org/app:ref:refs/heads/main');
    } finally {
      await authn.close();
    }
  });

  it('builds an ExecCredential with the token and its expiry', async () => {
    const token = await requestGitHubActionsToken({ audience: 'gatehouse', env: runner.env(), ca: issuer.ca });
    const credential = execCredential(token);
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    assert.deepEqual(credential, {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace('.000Z', 'Z') },
    });
  });

  it('fails clearly without the runner variables or with a wrong request token, never printing the request token', async () => {
    await assert.rejects(requestGitHubActionsToken({ audience: 'gatehouse', env: {} }), /permissions: id-token: write/);
    const env = { ...runner.env(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-secret' };
    await assert.rejects(requestGitHubActionsToken({ audience: 'gatehouse', env, ca: issuer.ca }), (err: Error) => /HTTP 401/.test(err.message) && !err.message.includes('wrong-secret'));
  });

  it('reads the GitLab CI job token from its variable', () => {
    assert.equal(readGitLabCiToken('DEPLOY_TOKEN', { DEPLOY_TOKEN: ' a.b.c\n' }), 'a.b.c');
    assert.throws(() => readGitLabCiToken('GATEHOUSE_ID_TOKEN', {}), /id_tokens: \{ GATEHOUSE_ID_TOKEN: \{ aud: <audience> \} \}/);
  });

  it('detects the CI system it runs in', () => {
    assert.equal(resolveProvider({ provider: 'auto' }, runner.env()), 'github-actions');
    assert.equal(resolveProvider({ provider: 'auto' }, { GITLAB_CI: 'true' }), 'gitlab-ci');
    assert.equal(resolveProvider({ provider: 'auto', issuer: 'https://idp.example' }, {}), 'oidc');
    assert.throws(() => resolveProvider({ provider: 'auto' }, {}), /cannot tell where to get a token/);
  });
});
