// End-to-end setup for proxy tests: a real HTTPS OIDC issuer, the API-server-like upstream, and `gatehouse proxy`
// started from a ProxyConfiguration file exactly as the command does, all on loopback ports picked by the OS.
// Requests reach the proxy as raw HTTPS or through the real kubectl.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { stringify } from 'yaml';
import { loadProxyConfiguration } from '../../../src/proxy/proxy-configuration.js';
import { startProxy, type RunningProxy } from '../../../src/proxy/proxy-server.js';
import { resolveProxySettings, type ProxyFlags } from '../../../src/proxy/settings.js';
import { createLogger } from '../../../src/server/logger.js';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from '../../support/fake-apiserver.js';
import { humanClaims, githubActionsClaims, startOidcIssuer, type TestOidcIssuer } from '../../support/oidc-issuer.js';
import { createTestTls, type TestTls } from '../../support/tls.js';

export const KUBECTL = '/usr/bin/kubectl';
export const PROXY_USER = 'system:serviceaccount:gatehouse:proxy';
const PROXY_TOKEN = 'proxy-service-account-token';

export interface HarnessOptions {
  /** Extra top-level ProxyConfiguration fields (access, limits, clientImpersonation…). */
  config?: Record<string, unknown>;
  upstream?: FakeApiServerOptions;
  flags?: ProxyFlags;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Harness {
  proxy: RunningProxy;
  issuer: TestOidcIssuer;
  ciIssuer: TestOidcIssuer;
  upstream: FakeApiServer;
  tls: TestTls;
  dir: string;
  humanToken(overrides?: Record<string, unknown>): Promise<string>;
  workflowToken(overrides?: Record<string, unknown>): Promise<string>;
  request(path: string, options?: { token?: string; method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer }): Promise<Reply>;
  /** Sends raw bytes over TLS to the proxy; returns everything it answers before closing (or after `waitMs`). */
  raw(bytes: string | Buffer, waitMs?: number): Promise<string>;
  /** Writes a kubeconfig for the proxy (or `server`, e.g. the proxy URL with a path) with a static token. */
  kubeconfig(token: string, options?: { server?: string }): string;
  kubectl(token: string, args: string[], options?: { input?: string; timeoutMs?: number; server?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts kubectl without waiting for it (follow, watch); the caller kills it. */
  spawnKubectl(token: string, args: string[]): ChildProcessWithoutNullStreams;
  /**
   * The audit lines written so far, once `ready` holds for them (default: there is one), waiting up to 2 s for it:
   * the proxy writes its audit lines in batches, up to 50 ms apart.
   */
  auditEvents(ready?: (events: Array<Record<string, unknown>>) => boolean): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tls = await createTestTls();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-proxy-'));
  const issuer = await startOidcIssuer();
  const ciIssuer = await startOidcIssuer({ path: '/ci' });
  const upstream = await startFakeApiServer({
    tokens: { [PROXY_TOKEN]: { username: PROXY_USER, groups: ['system:serviceaccounts', 'system:authenticated'] } },
    impersonators: [PROXY_USER],
    ...options.upstream,
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const authentication = file(
    'authentication.yaml',
    stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AuthenticationConfiguration',
      jwt: [
        {
          issuer: { url: issuer.url, certificateAuthority: issuer.ca, audiences: ['gatehouse'] },
          claimMappings: { username: { claim: 'email', prefix: '' }, groups: { claim: 'groups', prefix: 'oidc:' }, uid: { claim: 'sub' } },
        },
        {
          issuer: { url: ciIssuer.url, certificateAuthority: ciIssuer.ca, audiences: ['gatehouse'] },
          claimMappings: {
            username: { claim: 'sub', prefix: 'github:' },
            groups: { expression: "['github:' + claims.repository_owner]" },
            extra: [
              { key: 'gatehouse.dev/repository', valueExpression: 'claims.repository' },
              { key: 'gatehouse.dev/ref', valueExpression: 'claims.ref' },
              { key: 'gatehouse.dev/workflow', valueExpression: 'claims.job_workflow_ref' },
            ],
          },
        },
      ],
    }),
  );
  const tokenFile = file('upstream-token', PROXY_TOKEN);
  const auditLog = join(dir, 'audit.log');
  const configPath = file(
    'proxy.yaml',
    stringify({
      apiVersion: 'gatehouse.dev/v1alpha1',
      kind: 'ProxyConfiguration',
      authenticationConfig: authentication,
      listen: '127.0.0.1:0',
      operationsListen: '127.0.0.1:0',
      tls: { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile },
      upstream: { url: upstream.url, caFile: upstream.tls.caFile, tokenFile },
      auditLog,
      ...options.config,
    }),
  );
  const settings = resolveProxySettings(options.flags ?? {}, await loadProxyConfiguration(configPath), configPath, { env: {}, serviceAccountDir: dir });
  const logger = createLogger({ name: 'proxy', level: 'silent' });
  const proxy = await startProxy(settings, logger);
  for (let i = 0; i < 100 && !proxy.authenticator.ready(); i++) await new Promise((r) => setTimeout(r, 20));
  const port = Number(new URL(proxy.url).port);

  const request: Harness['request'] = (path, opts = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
      const req = httpsRequest(`${proxy.url}${path}`, { method: opts.method ?? 'GET', headers, ca: tls.ca, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(opts.body);
    });

  const raw: Harness['raw'] = (bytes, waitMs = 2000) =>
    new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca: tls.ca, servername: 'localhost' }, () => socket.write(bytes));
      let out = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(out);
      }, waitMs);
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => (out += c));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        if (out) resolve(out);
        else reject(err);
      });
    });

  const kubeconfig: Harness['kubeconfig'] = (token, opts = {}) =>
    file(
      `kubeconfig-${Math.random().toString(36).slice(2)}`,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gatehouse', cluster: { server: opts.server ?? proxy.url, 'certificate-authority': tls.caFile } }],
        users: [{ name: 'me', user: { token } }],
        contexts: [{ name: 'gatehouse', context: { cluster: 'gatehouse', user: 'me', namespace: 'default' } }],
        'current-context': 'gatehouse',
      }),
    );
  const kubectlArgs = (config: string, args: string[]) => ['--kubeconfig', config, '--cache-dir', join(dir, 'kube-cache'), ...args];
  const kubectlEnv = { PATH: process.env.PATH ?? '', HOME: dir };

  const kubectl: Harness['kubectl'] = (token, args, opts = {}) => {
    const config = kubeconfig(token, opts.server ? { server: opts.server } : {});
    return new Promise((resolve) => {
      const child = execFile(
        KUBECTL,
        kubectlArgs(config, args),
        { timeout: opts.timeoutMs ?? 30_000, env: kubectlEnv },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  };

  return {
    proxy,
    issuer,
    ciIssuer,
    upstream,
    tls,
    dir,
    humanToken: (overrides = {}) => issuer.issue(humanClaims(overrides)),
    workflowToken: (overrides = {}) => ciIssuer.issue(githubActionsClaims(overrides)),
    request,
    raw,
    kubeconfig,
    kubectl,
    spawnKubectl: (token, args) => spawn(KUBECTL, kubectlArgs(kubeconfig(token), args), { env: kubectlEnv }),
    async auditEvents(ready = (events) => events.length > 0) {
      const read = () => {
        try {
          return readFileSync(auditLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
        } catch {
          return [];
        }
      };
      for (let i = 0; i < 100 && !ready(read()); i++) await new Promise((r) => setTimeout(r, 20));
      return read();
    },
    async close() {
      await proxy.shutdown();
      await upstream.close();
      await issuer.stop();
      await ciIssuer.stop();
      tls.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
