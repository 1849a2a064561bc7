// `gatehouse proxy` as a process: start-up validation (exit 2 naming every bad setting), serving, and graceful
// exit on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { humanClaims, startOidcIssuer } from '../support/oidc-issuer.js';
import { createTestTls } from '../support/tls.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'proxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

function get(url: string, ca: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

test('invalid settings: exit 2 with every problem named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  try {
    const config = join(dir, 'proxy.yaml');
    writeFileSync(config, stringify({ apiVersion: 'gatehouse.dev/v1alpha1', kind: 'ProxyConfiguration', limits: { maxHeaderBytes: 1 } }));
    const proc = run(['--config', config, '--upstream', 'http://plain']);
    assert.equal(await proc.exited, 2);
    assert.match(proc.err(), /proxy\.yaml: limits\.maxHeaderBytes: must be at least 4096 \(got 1\)/);
    const proc2 = run(['--upstream', 'http://plain', '--upstream-token-file', join(dir, 'nope')]);
    assert.equal(await proc2.exited, 2);
    for (const expected of [/authenticationConfig \(--authentication-config\): required field is missing/, /tls\.certFile \(--tls-cert\)/, /upstream\.tokenFile \(--upstream-token-file\): .*ENOENT/, /upstream\.url \(--upstream\): "http:\/\/plain" must use https/]) {
      assert.match(proc2.err(), expected);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An issuer, an upstream and the flags of a proxy between them; `cleanup` removes them. */
async function environment() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  const tls = await createTestTls();
  const issuer = await startOidcIssuer();
  const upstream = await startFakeApiServer({ tokens: { 'proxy-token': { username: 'proxy', groups: [] } }, impersonators: ['proxy'] });
  const auth = join(dir, 'auth.yaml');
  writeFileSync(auth, stringify({ apiVersion: 'apiserver.config.k8s.io/v1beta1', kind: 'AuthenticationConfiguration', jwt: [{ issuer: { url: issuer.url, certificateAuthority: issuer.ca, audiences: ['gatehouse'] }, claimMappings: { username: { claim: 'email', prefix: '' } } }] }));
  writeFileSync(join(dir, 'token'), 'proxy-token');
  const flags = [
    '--authentication-config', auth,
    '--upstream', upstream.url,
    '--upstream-ca', upstream.tls.caFile,
    '--upstream-token-file', join(dir, 'token'),
    '--listen', '127.0.0.1:0',
    '--operations-listen', '127.0.0.1:0',
    '--tls-cert', tls.serverCertFile,
    '--tls-key', tls.serverKeyFile,
  ];
  return {
    dir,
    tls,
    issuer,
    upstream,
    flags,
    async cleanup() {
      await upstream.close();
      await issuer.stop();
      tls.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Started {
  listen: string;
  operations: string;
}

/** The start-up lines of `count` serving processes, once every one is ready. */
async function serving(proc: ReturnType<typeof run>, ca: string, count = 1): Promise<Started[]> {
  let started: Started[] = [];
  for (let i = 0; i < 400 && started.length < count; i++) {
    await new Promise((r) => setTimeout(r, 50));
    started = proc.out().split('\n').filter((l) => l.includes('gatehouse proxy started')).map((l) => JSON.parse(l) as Started);
  }
  assert.equal(started.length, count, `proxy did not start: ${proc.err()}`);
  let ready = 0;
  for (let i = 0; i < 100 && ready !== 200; i++) {
    ready = (await get(`${started[0]!.operations}/readyz`, ca)).status;
    if (ready !== 200) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(ready, 200);
  return started;
}

test('serves, reports readiness, and exits cleanly on SIGTERM', async () => {
  const { dir, tls, issuer, flags, cleanup } = await environment();
  try {
    const proc = run([...flags, '--audit-log', join(dir, 'audit.log')]);
    const [started] = await serving(proc, tls.ca);
    assert.ok(started);
    const token = await issuer.issue(humanClaims());
    const reply = await get(`${started.listen}/api/v1/namespaces/default/configmaps`, tls.ca, token);
    assert.equal(reply.status, 200, reply.body);
    assert.match((await get(`${started.operations}/metrics`, tls.ca)).body, /gatehouse_proxy_requests_total\{verb="list",code="200"\} 1/);
    assert.ok(!proc.out().includes(token.split('.')[2]!), 'no token in the logs');
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    assert.match(proc.out(), /shutdown complete/);
  } finally {
    await cleanup();
  }
});

test('--workers 2: both workers serve one port, /metrics and the audit log count every request, SIGTERM stops both', async () => {
  const { dir, tls, issuer, flags, cleanup } = await environment();
  try {
    const auditLog = join(dir, 'audit.log');
    const proc = run([...flags, '--audit-log', auditLog, '--workers', '2']);
    const started = await serving(proc, tls.ca, 2);
    assert.equal(started[0]!.listen, started[1]!.listen, 'one port for both');
    const token = await issuer.issue(humanClaims());
    const requests = 12;
    for (let i = 0; i < requests; i++) assert.equal((await get(`${started[0]!.listen}/api/v1/namespaces/default/configmaps`, tls.ca, token)).status, 200);
    for (let i = 0; i < 4; i++) {
      const metrics = (await get(`${started[0]!.operations}/metrics`, tls.ca)).body;
      assert.match(metrics, new RegExp(`gatehouse_proxy_requests_total\\{verb="list",code="200"\\} ${requests}\\b`), 'every worker counted, whichever one is scraped');
    }
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    assert.equal(proc.out().split('\n').filter((l) => l.includes('"shutdown complete"')).length >= 2, true, proc.out());
    const lines = readFileSync(auditLog, 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => (JSON.parse(l) as { verb: string }).verb === 'list').length, requests, 'whole lines, one per request');
  } finally {
    await cleanup();
  }
});

test('--workers: bounded, and never with the audit log on stdout', async () => {
  const { flags, cleanup } = await environment();
  try {
    const zero = run([...flags, '--workers', '0']);
    assert.equal(await zero.exited, 2);
    assert.match(zero.err(), /--workers: must be an integer from 1 to 256 \(got "0"\)/);
    const stdout = run([...flags, '--workers', '2', '--audit-log', '-']);
    assert.equal(await stdout.exited, 2);
    assert.match(stdout.err(), /--audit-log -: with --workers above 1 the audit log must be a file/);
  } finally {
    await cleanup();
  }
});
