import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOidcIssuer, gitlabCiClaims, type TestOidcIssuer } from '../support/oidc-issuer.js';
import { startRunner, type TestRunner } from '../client/github-actions-runner.js';
import { startOidcProvider, type TestOidcProvider } from '../client/oidc-provider-fixture.js';
import { runCli, type CliResult as CliRun } from '../support/cli.js';

/** As kubectl runs an exec plugin: a minimal environment plus what the test sets. */
const gatehouse = (args: string[], env: NodeJS.ProcessEnv, onStderr?: (text: string) => void) => runCli(args, { env, cleanEnv: true, onStderr });

function credential(run: CliRun): { token: string; expirationTimestamp: string } {
  assert.equal(run.code, 0, run.stderr);
  const parsed = JSON.parse(run.stdout) as { apiVersion: string; kind: string; status: { token: string; expirationTimestamp: string } };
  assert.equal(parsed.apiVersion, 'client.authentication.k8s.io/v1');
  assert.equal(parsed.kind, 'ExecCredential');
  assert.match(parsed.status.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return parsed.status;
}

describe('gatehouse token', () => {
  let issuer: TestOidcIssuer;
  let runner: TestRunner;
  let provider: TestOidcProvider;
  let dir: string;
  before(async () => {
    issuer = await startOidcIssuer();
    runner = await startRunner(issuer);
    provider = await startOidcProvider({ sub: 'jane-0001', email: 'jane@example.com', email_verified: true, groups: ['developers'] });
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-token-cli-'));
  });
  after(async () => {
    await runner.stop();
    await issuer.stop();
    await provider.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inside GitHub Actions prints an ExecCredential with a token for the audience', async () => {
    const status = credential(await gatehouse(['token', '--audience', 'gatehouse', '--ca-file', issuer.caFile], runner.env()));
    const claims = JSON.parse(Buffer.from(status.token.split('.')[1]!, 'base64url').toString()) as { aud: string; exp: number };
    assert.equal(claims.aud, 'gatehouse');
    assert.equal(status.expirationTimestamp, new Date(claims.exp * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('inside GitLab CI prints the job token from the configured variable', async () => {
    const token = await issuer.issue(gitlabCiClaims());
    const status = credential(await gatehouse(['token', '--gitlab-token-variable', 'DEPLOY_ID_TOKEN'], { GITLAB_CI: 'true', DEPLOY_ID_TOKEN: token }));
    assert.equal(status.token, token);
  });

  it('signs a person in through the browser once, then answers from the cache', async () => {
    const args = ['token', '--provider', 'oidc', '--issuer', provider.url, '--client-id', provider.clientId, '--ca-file', provider.caFile, '--scope', 'openid', '--scope', 'email', '--scope', 'groups', '--no-browser', '--cache-dir', dir];
    let browsed = false;
    const first = await gatehouse(args, {}, (stderr) => {
      const url = /Sign in to continue: (\S+)/.exec(stderr)?.[1];
      if (url && !browsed) {
        browsed = true;
        void provider.browse(url);
      }
    });
    const status = credential(first);
    assert.ok(browsed);
    const second = await gatehouse(args, {});
    assert.equal(credential(second).token, status.token);
    assert.equal(second.stderr, '', 'no sign-in the second time');
  });

  it('exits 2 with a one-line reason when it cannot get a token', async () => {
    const noAudience = await gatehouse(['token'], runner.env());
    assert.equal(noAudience.code, 2);
    assert.equal(noAudience.stderr, 'gatehouse: --audience is required for GitHub Actions (the audience the proxy expects)\n');
    const nowhere = await gatehouse(['token'], {});
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /^gatehouse: cannot tell where to get a token/);
    const missingVariable = await gatehouse(['token', '--provider', 'gitlab-ci'], {});
    assert.equal(missingVariable.code, 2);
    assert.match(missingVariable.stderr, /GATEHOUSE_ID_TOKEN is not set/);
    const secretArgs = ['token', '--provider', 'oidc', '--issuer', provider.url, '--client-id', provider.clientId, '--ca-file', provider.caFile, '--cache-dir', join(dir, 'secret')];
    const noSecretFile = await gatehouse([...secretArgs, '--client-secret-file', join(dir, 'absent')], {});
    assert.equal(noSecretFile.code, 2);
    assert.equal(noSecretFile.stderr, `gatehouse: --client-secret-file ${join(dir, 'absent')}: ENOENT\n`);
    writeFileSync(join(dir, 'two-lines'), 'a\nb\n');
    const twoLines = await gatehouse([...secretArgs, '--client-secret-file', join(dir, 'two-lines')], {});
    assert.equal(twoLines.stderr, `gatehouse: --client-secret-file ${join(dir, 'two-lines')}: expected the secret on one line\n`);
    assert.equal(noAudience.stdout + nowhere.stdout + missingVariable.stdout + noSecretFile.stdout + twoLines.stdout, '');
  });
});
