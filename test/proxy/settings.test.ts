import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/config/config-error.js';
import { emptyProxyConfiguration, readProxyConfiguration } from '../../src/proxy/proxy-configuration.js';
import { resolveProxySettings } from '../../src/proxy/settings.js';
import { readKubeconfig } from '../../src/proxy/kubeconfig.js';
import { watchTokenFile } from '../../src/proxy/token-file.js';
import { createLogger } from '../../src/server/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-settings-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const ca = file('ca.crt', 'not really a CA, only read');
const token = file('token', 'abc.def.ghi\n');
const base = { apiVersion: 'gatehouse.dev/v1alpha1', kind: 'ProxyConfiguration' };
const env = { env: {}, serviceAccountDir: dir };
const flags = { authenticationConfig: 'auth.yaml', tlsCert: 'tls.crt', tlsKey: 'tls.key', upstream: 'https://10.0.0.1:6443', upstreamCa: ca, upstreamTokenFile: token };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  assert.fail('expected a ConfigError');
}

test('a full ProxyConfiguration is read; flags override it', () => {
  const config = readProxyConfiguration(
    {
      ...base,
      authenticationConfig: '/etc/gatehouse/authentication.yaml',
      listen: '0.0.0.0:443',
      tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
      upstream: { url: 'https://kubernetes.default.svc', caFile: ca, tokenFile: token },
      auditLog: '-',
      clientImpersonation: 'SubjectAccessReview',
      limits: { maxRequestBodyBytes: 1048576, upstreamResponseTimeoutSeconds: 30 },
      access: { requestHeaders: ['x-gatehouse-justification', 'x-ticket'], namespaceCacheTTLSeconds: 10, policies: [{ name: 'p', validations: [{ name: 'v', expression: 'true' }] }] },
    },
    'proxy.yaml',
  );
  const settings = resolveProxySettings({ listen: '127.0.0.1:8443' }, config, 'proxy.yaml', env);
  assert.deepEqual(settings.listen, { host: '127.0.0.1', port: 8443 });
  assert.deepEqual(settings.operationsListen, { host: '0.0.0.0', port: 9443 });
  assert.equal(settings.authenticationConfig, '/etc/gatehouse/authentication.yaml');
  assert.equal(settings.upstream.url, 'https://kubernetes.default.svc');
  assert.deepEqual(settings.upstream.credential, { type: 'tokenFile', path: token });
  assert.equal(settings.limits.maxRequestBodyBytes, 1048576);
  assert.equal(settings.limits.maxHeaderBytes, 32768);
  assert.equal(settings.clientImpersonation, 'SubjectAccessReview');
  assert.deepEqual(settings.access.requestHeaders, ['x-gatehouse-justification', 'x-ticket']);
  assert.equal(settings.accessPolicies.policies.length, 1);
});

test('every problem in the file is reported with its field path', () => {
  const found = problems(() =>
    readProxyConfiguration(
      {
        ...base,
        listen: 8443,
        upstrem: {},
        clientImpersonation: 'Allow',
        limits: { maxRequestBodyBytes: 10, bogus: 1 },
        access: { requestHeaders: ['Authorization', 'X Bad'], policies: [{ name: 'p', validations: [] }, { validations: [{ name: 'v' }] }] },
      },
      'proxy.yaml',
    ),
  );
  assert.deepEqual(found, [
    'listen: must be a string (got a number)',
    'clientImpersonation: must be one of Deny, SubjectAccessReview (got "Allow")',
    'limits.maxRequestBodyBytes: must be at least 1024 (got 10)',
    'limits.bogus: unknown field (known fields: maxRequestBodyBytes, maxHeaderBytes, maxConnections, requestHeadersTimeoutSeconds, requestTimeoutSeconds, requestBodyIdleTimeoutSeconds, upstreamResponseTimeoutSeconds, upstreamCallTimeoutSeconds, shutdownGracePeriodSeconds)',
    'access.policies[0].validations: must not be empty',
    'access.policies[1].name: required field is missing',
    'access.policies[1].validations[0].expression: required field is missing',
    'access.requestHeaders[0]: must be a lower-case HTTP header name',
    'access.requestHeaders[1]: must be a lower-case HTTP header name',
    'upstrem: unknown field (known fields: apiVersion, kind, metadata, authenticationConfig, listen, operationsListen, auditLog, tls, upstream, clientImpersonation, logLevel, limits, access)',
  ]);
  assert.deepEqual(problems(() => readProxyConfiguration({ ...base, access: { requestHeaders: ['authorization'] } }, 'f')), ['access.requestHeaders[0]: authorization carries credentials and cannot be exposed to policies']);
});

test('slow-client limits: defaults, bounds, and a request deadline no shorter than the head deadline', () => {
  const defaults = readProxyConfiguration(base, 'f').limits;
  assert.equal(defaults.maxConnections, 4096);
  assert.equal(defaults.requestHeadersTimeoutSeconds, 10);
  assert.equal(defaults.requestTimeoutSeconds, 60);
  assert.equal(defaults.requestBodyIdleTimeoutSeconds, 10);
  assert.deepEqual(problems(() => readProxyConfiguration({ ...base, limits: { maxConnections: 0, requestBodyIdleTimeoutSeconds: 0 } }, 'f')), [
    'limits.maxConnections: must be at least 1 (got 0)',
    'limits.requestBodyIdleTimeoutSeconds: must be at least 1 (got 0)',
  ]);
  assert.deepEqual(problems(() => readProxyConfiguration({ ...base, limits: { requestHeadersTimeoutSeconds: 120 } }, 'f')), [
    'limits.requestTimeoutSeconds: must be at least requestHeadersTimeoutSeconds (120): the whole request includes its head',
  ]);
});

test('CEL compile errors are reported at their field path', () => {
  const found = problems(() => readProxyConfiguration({ ...base, access: { policies: [{ name: 'p', validations: [{ name: 'v', expression: 'request.verb == ' }] }] } }, 'f'));
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^access\.policies\[0\]\.validations\[0\]\.expression: 1:\d+: /);
});

test('settings: required values and exactly one upstream credential', () => {
  assert.deepEqual(problems(() => resolveProxySettings({}, emptyProxyConfiguration(), 'flags', env)), [
    'authenticationConfig (--authentication-config): required field is missing',
    'tls.certFile (--tls-cert): required field is missing: the proxy serves HTTPS only',
    'tls.keyFile (--tls-key): required field is missing: the proxy serves HTTPS only',
    'upstream: an upstream credential is required: one of tokenFile, clientCertFile+clientKeyFile, inCluster or kubeconfig',
  ]);
  assert.match(problems(() => resolveProxySettings({ ...flags, inCluster: true }, emptyProxyConfiguration(), 'flags', env))[0]!, /^upstream: give exactly one upstream credential/);
  assert.deepEqual(problems(() => resolveProxySettings({ ...flags, upstream: 'http://10.0.0.1' }, emptyProxyConfiguration(), 'flags', env)), ['upstream.url (--upstream): "http://10.0.0.1" must use https']);
  assert.deepEqual(problems(() => resolveProxySettings({ ...flags, upstreamTokenFile: join(dir, 'missing') }, emptyProxyConfiguration(), 'flags', env)), [
    `upstream.tokenFile (--upstream-token-file): ${join(dir, 'missing')}: cannot read token: ENOENT`,
  ]);
  assert.deepEqual(problems(() => resolveProxySettings({ ...flags, listen: 'localhost' }, emptyProxyConfiguration(), 'flags', env)), ['listen (--listen): "localhost" is not HOST:PORT (e.g. 0.0.0.0:8443 or [::]:8443)']);
  const { upstreamTokenFile: _unused, ...noToken } = flags;
  assert.deepEqual(problems(() => resolveProxySettings({ ...noToken, upstreamClientCert: ca }, emptyProxyConfiguration(), 'flags', env)), ['upstream.clientKeyFile (--upstream-client-key): required with clientCertFile']);
});

test('in-cluster: service account token and CA, KUBERNETES_SERVICE_HOST/PORT', () => {
  file('ca.crt', 'ca');
  const { upstream: _u, upstreamCa: _c, upstreamTokenFile: _t, ...rest } = flags;
  assert.match(problems(() => resolveProxySettings({ ...rest, inCluster: true }, emptyProxyConfiguration(), 'flags', env))[0]!, /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set/);
  writeFileSync(join(dir, 'token'), 'sa-token');
  const settings = resolveProxySettings({ ...rest, inCluster: true }, emptyProxyConfiguration(), 'flags', { env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir });
  assert.equal(settings.upstream.url, 'https://[fd00::1]:443');
  assert.deepEqual(settings.upstream.credential, { type: 'tokenFile', path: join(dir, 'token') });
  assert.equal(settings.upstream.ca?.toString(), 'ca');
});

test('kubeconfig: current context, relative paths, unsupported credentials refused', () => {
  const kc = (user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://k8s.example:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64') }) =>
    file(`kc-${Math.random()}`, stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'c', contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }], clusters: [{ name: 'k', cluster }], users: [{ name: 'u', user }] }));
  assert.deepEqual(readKubeconfig(kc({ tokenFile: 'token' })), { server: 'https://k8s.example:6443', ca: Buffer.from('CA'), tokenFile: join(dir, 'token') });
  assert.equal(readKubeconfig(kc({ token: 't' })).token, 't');
  assert.throws(() => readKubeconfig(kc({ exec: { command: 'aws' } })), /users\[u\]\.user\.exec: not supported/);
  assert.throws(() => readKubeconfig(kc({ token: 't' }, { server: 'https://x', 'insecure-skip-tls-verify': true })), /insecure-skip-tls-verify: not allowed/);
  assert.throws(() => readKubeconfig(kc({ 'client-certificate-data': 'eA==' })), /client-certificate and client-key must be given together/);
  assert.throws(() => readKubeconfig(file('kc-bad', 'current-context: nope\ncontexts: []\n')), /contexts: no entry named "nope"/);
});

test('a rotated upstream token file is picked up; a broken rewrite keeps the last good token', async () => {
  const path = file('rotating-token', 'first');
  const source = watchTokenFile(path, createLogger({ name: 't', level: 'silent' }), 50);
  try {
    assert.equal(source.token(), 'first');
    writeFileSync(path, 'second\n');
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(source.token(), 'second');
    writeFileSync(path, '');
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(source.token(), 'second');
  } finally {
    source.close();
  }
});
