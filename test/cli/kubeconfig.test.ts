import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { CLI, REPO_ROOT, runCli, runProcess } from '../support/cli.js';

const runGatehouse = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { env, cleanEnv: true });
import { gitlabCiClaims, startOidcIssuer, type TestOidcIssuer } from '../support/oidc-issuer.js';

const KUBECTL = '/usr/bin/kubectl';

function kubectl(args: string[], env: NodeJS.ProcessEnv) {
  return runProcess(KUBECTL, args, { env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env } });
}

describe('gatehouse kubeconfig', () => {
  let issuer: TestOidcIssuer;
  let server: Server;
  let serverUrl: string;
  let dir: string;
  const seenTokens: string[] = [];

  before(async () => {
    issuer = await startOidcIssuer();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-kubeconfig-'));
    // Stands in for the proxy: answers /version to a bearer token, as the API server does for any authenticated user.
    server = createServer({ cert: issuer.tls.server.cert, key: issuer.tls.server.key }, (req, res) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 }));
        return;
      }
      seenTokens.push(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.0' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a 0600 kubeconfig whose user is the exec plugin with the token arguments', async () => {
    const file = join(dir, 'ci.kubeconfig');
    const run = await runGatehouse(['kubeconfig', '--server', serverUrl, '--certificate-authority', issuer.caFile, '--provider', 'github-actions', '--audience', 'gatehouse', '--name', 'prod', '--output', file], {});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const config = parse(readFileSync(file, 'utf8')) as Record<string, any>;
    assert.equal(config['current-context'], 'prod');
    assert.equal(config.clusters[0].cluster.server, serverUrl);
    assert.equal(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), issuer.ca);
    assert.deepEqual(config.users[0].user.exec, {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'gatehouse',
      args: ['token', '--provider', 'github-actions', '--audience', 'gatehouse'],
      interactiveMode: 'Never',
      provideClusterInfo: false,
      installHint: 'gatehouse is required to authenticate; install it with `npm install -g gatehouse`',
    });
  });

  it('marks a people sign-in interactive', async () => {
    const run = await runGatehouse(['kubeconfig', '--server', serverUrl, '--provider', 'oidc', '--issuer', 'https://idp.example.com', '--client-id', 'gatehouse'], {});
    assert.equal(run.code, 0, run.stderr);
    const exec = (parse(run.stdout) as Record<string, any>).users[0].user.exec;
    assert.deepEqual(exec.args, ['token', '--provider', 'oidc', '--issuer', 'https://idp.example.com', '--client-id', 'gatehouse']);
    assert.equal(exec.interactiveMode, 'IfAvailable');
    const withSecret = await runGatehouse(['kubeconfig', '--server', serverUrl, '--provider', 'oidc', '--issuer', 'https://idp.example.com', '--client-id', 'gatehouse', '--client-secret-file', '/etc/gatehouse/client-secret'], {});
    assert.equal(withSecret.code, 0, withSecret.stderr);
    assert.deepEqual((parse(withSecret.stdout) as Record<string, any>).users[0].user.exec.args.slice(-2), ['--client-secret-file', '/etc/gatehouse/client-secret']);
  });

  it('carries a justification in the server path, in a context of its own, and refuses a malformed ticket', async () => {
    const run = await runGatehouse(['kubeconfig', '--server', serverUrl, '--provider', 'gitlab-ci', '--justification', 'JIRA-123'], {});
    assert.equal(run.code, 0, run.stderr);
    const config = parse(run.stdout) as Record<string, any>;
    assert.equal(config.clusters[0].cluster.server, `${serverUrl}/justification/JIRA-123`);
    assert.equal(config['current-context'], 'gatehouse-JIRA-123');
    const bad = await runGatehouse(['kubeconfig', '--server', serverUrl, '--provider', 'gitlab-ci', '--justification', 'two words'], {});
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^gatehouse: --justification: /);
  });

  it('refuses a plain-HTTP server and incomplete provider settings', async () => {
    const http = await runGatehouse(['kubeconfig', '--server', 'http://127.0.0.1:1', '--provider', 'gitlab-ci'], {});
    assert.equal(http.code, 2);
    assert.equal(http.stderr, 'gatehouse: --server: the proxy must be reached over https\n');
    const oidc = await runGatehouse(['kubeconfig', '--server', serverUrl, '--provider', 'oidc'], {});
    assert.equal(oidc.code, 2);
    assert.match(oidc.stderr, /--provider oidc needs --issuer and --client-id/);
  });

  it('writes names and arguments kubectl reads back as written, even YAML 1.1 look-alikes', { skip: !existsSync(KUBECTL) && `${KUBECTL} is not installed` }, async () => {
    const file = join(dir, 'ambiguous.kubeconfig');
    const made = await runGatehouse(['kubeconfig', '--server', serverUrl, '--provider', 'oidc', '--issuer', 'https://idp.example.com', '--client-id', '0755', '--name', 'on', '--output', file], {});
    assert.equal(made.code, 0, made.stderr);
    // kubectl's own reading of the file (go-yaml, YAML 1.1 rules), not a YAML 1.2 library's.
    const view = await kubectl(['config', 'view', '--kubeconfig', file, '-o', 'json'], {});
    assert.equal(view.code, 0, view.stderr);
    const config = JSON.parse(view.stdout) as Record<string, any>;
    assert.equal(config['current-context'], 'on');
    assert.deepEqual(config.contexts[0], { name: 'on', context: { cluster: 'on', user: 'on' } });
    assert.deepEqual(config.users[0].user.exec.args, ['token', '--provider', 'oidc', '--issuer', 'https://idp.example.com', '--client-id', '0755']);
  });

  it('kubectl runs the plugin and sends its token', { skip: !existsSync(KUBECTL) && `${KUBECTL} is not installed` }, async () => {
    const wrapper = join(dir, 'gatehouse');
    writeFileSync(wrapper, `#!/bin/sh\ncd '${REPO_ROOT}' && exec '${process.execPath}' '${CLI}' "$@"\n`, { mode: 0o755 });
    const file = join(dir, 'gitlab.kubeconfig');
    const made = await runGatehouse(['kubeconfig', '--server', serverUrl, '--certificate-authority', issuer.caFile, '--provider', 'gitlab-ci', '--gitlab-token-variable', 'DEPLOY_ID_TOKEN', '--command', wrapper, '--output', file], {});
    assert.equal(made.code, 0, made.stderr);
    const token = await issuer.issue(gitlabCiClaims());
    const run = await kubectl(['--kubeconfig', file, 'get', '--raw', '/version'], { GITLAB_CI: 'true', DEPLOY_ID_TOKEN: token });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { gitVersion: string }).gitVersion, 'v1.34.0');
    assert.equal(seenTokens.at(-1), token);
  });
});
