// Throughput and added latency of `gatehouse proxy`, against the same fixed-response HTTPS upstream reached three
// ways in one run: directly, through nginx (proxy_pass with upstream keep-alive, no authentication), and through
// Gatehouse verifying a bearer token (the cached-token path: one token, as a client re-using its credential).
// Everything is TLS on loopback; each server runs in its own process with one worker, the load generator
// (autocannon) in this one.
//
//   node --import tsx bench/proxy.bench.ts [--seconds 3] [--connections 16] [--json]
//
// Reported: requests/s per path and the Gatehouse/nginx ratio (target ≥ 0.7); p99 latency at half of Gatehouse's
// peak rate, directly and through Gatehouse, and the difference (target ≤ 2 ms).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fmt } from './support/stats.js';

const SELF = fileURLToPath(import.meta.url);

/** The part of autocannon's API used here (the package ships no type declarations). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const PATH = '/api/v1/namespaces/default/configmaps/bench';
const BODY = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench', namespace: 'default', resourceVersion: '1' }, data: { key: 'value' } });

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Child roles: each prints one JSON line with its URL once it listens, then serves until killed. */
async function runRole(role: string, input: Record<string, string>): Promise<void> {
  if (role === 'upstream') {
    const { startFakeApiServer } = await import('../test/support/fake-apiserver.js');
    const server = await startFakeApiServer({ fixedResponse: BODY });
    console.log(JSON.stringify({ url: server.url, caFile: server.tls.caFile }));
    return;
  }
  const { loadProxyConfiguration } = await import('../src/proxy/proxy-configuration.js');
  const { resolveProxySettings } = await import('../src/proxy/settings.js');
  const { startProxy } = await import('../src/proxy/proxy-server.js');
  const { createLogger } = await import('../src/server/logger.js');
  const settings = resolveProxySettings({}, await loadProxyConfiguration(input.config!), input.config!, { env: {}, serviceAccountDir: '/nonexistent' });
  const proxy = await startProxy(settings, createLogger({ name: 'proxy', level: 'silent' }));
  process.once('SIGTERM', () => process.exit(0));
  while (!proxy.authenticator.ready()) await new Promise((r) => setTimeout(r, 20));
  console.log(JSON.stringify({ url: proxy.url }));
}

function startChild(args: string[]): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_OPTIONS (e.g. --cpu-prof) is passed to the server processes only, to profile them.
    const nodeOptions = process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, info: JSON.parse(line) as Record<string, string> });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startNginx(dir: string, upstreamUrl: string, certFile: string, keyFile: string): Promise<{ child: ChildProcess; url: string } | undefined> {
  if (spawnSync('nginx', ['-v']).error) return undefined;
  const port = await freePort();
  const upstream = new URL(upstreamUrl);
  for (const sub of ['client', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  upstream api { server ${upstream.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certFile};
    ssl_certificate_key ${keyFile};
    location / {
      proxy_pass https://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_session_reuse on;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir, '-e', join(dir, 'nginx-error.log')], { stdio: 'inherit' });
  const url = `https://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetchOnce(url);
    if (ok) return { child, url };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('nginx did not start');
}

async function fetchOnce(url: string, token?: string): Promise<boolean> {
  const result = await autocannon({ url: url + PATH, amount: 1, connections: 1, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return result['2xx'] === 1;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, seconds: number, connections: number, token?: string, overallRate?: number): Promise<Load> {
  const result = await autocannon({
    url: url + PATH,
    duration: seconds,
    connections,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(overallRate ? { overallRate } : {}),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 3);
  const connections = arg('connections', 16);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const children: ChildProcess[] = [];
  const { createTestTls } = await import('../test/support/tls.js');
  const { startOidcIssuer, humanClaims } = await import('../test/support/oidc-issuer.js');
  const tls = await createTestTls();
  const issuer = await startOidcIssuer();
  try {
    const upstream = await startChild(['--role', 'upstream']);
    children.push(upstream.child);
    const upstreamUrl = upstream.info.url!;
    const auth = join(dir, 'auth.yaml');
    writeFileSync(auth, stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthenticationConfiguration', jwt: [{ issuer: { url: issuer.url, certificateAuthority: issuer.ca, audiences: ['gatehouse'] }, claimMappings: { username: { claim: 'email', prefix: '' }, groups: { claim: 'groups', prefix: 'oidc:' } } }] }));
    writeFileSync(join(dir, 'token'), 'bench-token');
    const config = join(dir, 'proxy.yaml');
    writeFileSync(
      config,
      stringify({
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'ProxyConfiguration',
        authenticationConfig: auth,
        listen: '127.0.0.1:0',
        operationsListen: '127.0.0.1:0',
        tls: { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile },
        upstream: { url: upstreamUrl, caFile: upstream.info.caFile, tokenFile: join(dir, 'token') },
        auditLog: join(dir, 'audit.log'),
      }),
    );
    const gatehouse = await startChild(['--role', 'gatehouse', '--config', config]);
    children.push(gatehouse.child);
    const nginx = await startNginx(dir, upstreamUrl, tls.serverCertFile, tls.serverKeyFile);
    if (nginx) children.push(nginx.child);
    const token = await issuer.issue(humanClaims(), { expiresIn: 3600 });
    if (!(await fetchOnce(gatehouse.info.url!, token))) throw new Error('Gatehouse did not answer 200');

    const targets: Array<[string, string, string | undefined]> = [
      ['direct', upstreamUrl, undefined],
      ...(nginx ? [['nginx', nginx.url, undefined] as [string, string, undefined]] : []),
      ['gatehouse', gatehouse.info.url!, token],
    ];
    const peak: Record<string, Load> = {};
    for (const [name, url, auth] of targets) {
      await load(url, 1, connections, auth); // warm-up: connections, JIT, token cache
      peak[name] = await load(url, seconds, connections, auth);
    }
    const rate = Math.max(100, Math.round(peak.gatehouse!.rps / 2));
    const atHalf = { direct: await load(upstreamUrl, seconds, connections, undefined, rate), gatehouse: await load(gatehouse.info.url!, seconds, connections, token, rate) };
    const ratio = nginx ? peak.gatehouse!.rps / peak.nginx!.rps : NaN;
    const addedP99 = atHalf.gatehouse.p99 - atHalf.direct.p99;
    const report = {
      seconds,
      connections,
      peakRequestsPerSecond: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v.rps)])),
      errors: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, v.errors])),
      gatehouseToNginx: Number(fmt(ratio)),
      halfRate: rate,
      p99AtHalfRateMs: { direct: atHalf.direct.p99, gatehouse: atHalf.gatehouse.p99, added: Number(fmt(addedP99)) },
      p50AtHalfRateMs: { direct: atHalf.direct.p50, gatehouse: atHalf.gatehouse.p50 },
    };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log(`proxy benchmark (TLS on loopback, ${connections} connections, ${seconds}s per phase)`);
    console.log('path        requests/s   p50 ms   p99 ms   errors');
    for (const [name, v] of Object.entries(peak)) console.log(`${name.padEnd(11)} ${String(Math.round(v.rps)).padStart(10)} ${fmt(v.p50, 1).padStart(8)} ${fmt(v.p99, 1).padStart(8)} ${String(v.errors).padStart(8)}`);
    console.log(nginx ? `gatehouse / nginx requests/s: ${fmt(ratio)} (target ≥ 0.70)` : 'nginx not installed (Debian package nginx): ratio not measured');
    console.log(`at ${rate} req/s (half of Gatehouse's peak): p99 direct ${fmt(atHalf.direct.p99, 1)} ms, through Gatehouse ${fmt(atHalf.gatehouse.p99, 1)} ms, added ${fmt(addedP99, 1)} ms (target ≤ 2 ms)`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await issuer.stop();
    tls.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

const roleIndex = process.argv.indexOf('--role');
if (roleIndex >= 0) {
  const configIndex = process.argv.indexOf('--config');
  await runRole(process.argv[roleIndex + 1]!, configIndex >= 0 ? { config: process.argv[configIndex + 1]! } : {});
} else {
  await main();
}
