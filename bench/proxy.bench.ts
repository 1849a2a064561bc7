// Throughput and added latency of `gatehouse proxy`, against the same fixed-response HTTPS upstream reached four
// ways in one run: directly, through nginx (proxy_pass with upstream keep-alive, no authentication), through the
// cheapest possible Node proxy (node:https server + keep-alive agent, nothing else: the floor for Node), and through
// Gatehouse verifying a bearer token (the cached-token path: one token, as a client re-using its credential).
// Everything is TLS on loopback (TLS 1.2+ on every hop, upstream connections kept alive and TLS sessions reused on
// both proxies); nginx runs as many worker processes as Gatehouse. The load generator (autocannon) runs in this
// process. The paths are measured in interleaved rounds so they see the same machine load, and medians are reported.
//
//   node --import tsx bench/proxy.bench.ts [--seconds 3] [--rounds 3] [--connections 32] [--workers 1] [--json]
//
// Reported per path: requests/s (median of the rounds), CPU time per request of the server processes (Linux: read
// from /proc, all of a server's processes together), and the connections the upstream accepted (a proxy that
// reuses its upstream connections opens few). Then the Gatehouse/nginx ratio (target ≥ 0.7), and p99 latency at half
// of Gatehouse's peak rate, directly and through Gatehouse, and the difference (target ≤ 2 ms).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fmt, median } from './support/stats.js';

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
    process.on('message', () => process.send!({ connections: server.connectionsAccepted() }));
    console.log(JSON.stringify({ url: server.url, caFile: server.tls.caFile }));
    return;
  }
  if (role === 'node-proxy') {
    await runNodeProxy(input);
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

/**
 * The floor for any proxy built on Node's https modules: forwards with a keep-alive agent and nothing else (no
 * authentication, header rules, audit or metrics), so Gatehouse's own cost is what it spends above this.
 */
async function runNodeProxy(input: Record<string, string>): Promise<void> {
  const https = await import('node:https');
  const agent = new https.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512, ca: readFileSync(input['upstream-ca']!) });
  const upstream = new URL(input.upstream!);
  const server = https.createServer({ cert: readFileSync(input.cert!), key: readFileSync(input.key!), keepAliveTimeout: 65_000 }, (req, res) => {
    const forwarded = https.request({ agent, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, servername: 'localhost' }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `https://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

function startChild(args: string[]): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_OPTIONS (e.g. --cpu-prof) is passed to the server processes only, to profile them.
    const nodeOptions = process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
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

/** CPU seconds used so far by a process and all its descendants (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const stat = (p: number) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks };
  };
  try {
    const all = new Map<number, { ppid: number; cpu: number }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        all.set(Number(entry), stat(Number(entry)));
      } catch {
        // the process ended while we looked
      }
    }
    const tree = new Set([pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [p, s] of all) if (!tree.has(p) && tree.has(s.ppid)) (tree.add(p), (grew = true));
    }
    return [...tree].reduce((sum, p) => sum + (all.get(p)?.cpu ?? 0), 0);
  } catch {
    return NaN;
  }
}

async function startNginx(dir: string, upstreamUrl: string, caFile: string, certFile: string, keyFile: string, workers: number): Promise<{ child: ChildProcess; url: string } | undefined> {
  if (spawnSync('nginx', ['-v']).error) return undefined;
  const port = await freePort();
  const upstream = new URL(upstreamUrl);
  for (const sub of ['client', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  // Like Gatehouse: TLS 1.2+ both ways, the upstream certificate verified, pooled keep-alive upstream connections.
  writeFileSync(
    conf,
    `worker_processes ${workers};
daemon off;
master_process on;
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
  upstream api { server ${upstream.host}; keepalive 512; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate ${certFile};
    ssl_certificate_key ${keyFile};
    location / {
      proxy_pass https://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_protocols TLSv1.2 TLSv1.3;
      proxy_ssl_verify on;
      proxy_ssl_trusted_certificate ${caFile};
      proxy_ssl_name localhost;
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
  /** CPU microseconds per request of the server processes (the proxy, or the upstream for the direct path). */
  cpuUsPerRequest: number;
  upstreamCpuUsPerRequest: number;
}

interface Target {
  name: string;
  url: string;
  token?: string;
  pid?: number;
}

function upstreamConnections(upstream: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    upstream.once('message', (m: { connections: number }) => resolve(m.connections));
    upstream.send('connections?');
  });
}

async function load(target: Target, upstreamPid: number, seconds: number, connections: number, overallRate?: number): Promise<Load> {
  const cpu0 = target.pid ? cpuSeconds(target.pid) : NaN;
  const up0 = cpuSeconds(upstreamPid);
  const result = await autocannon({
    url: target.url + PATH,
    duration: seconds,
    connections,
    headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
    ...(overallRate ? { overallRate } : {}),
  });
  const total = result['2xx'] + result.non2xx;
  const perRequest = (cpu: number) => (cpu * 1e6) / Math.max(1, total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuUsPerRequest: target.pid ? perRequest(cpuSeconds(target.pid) - cpu0) : perRequest(cpuSeconds(upstreamPid) - up0),
    upstreamCpuUsPerRequest: perRequest(cpuSeconds(upstreamPid) - up0),
  };
}

function medianLoad(loads: Load[]): Load {
  const m = (f: (l: Load) => number) => median(loads.map(f));
  return { rps: m((l) => l.rps), p50: m((l) => l.p50), p99: m((l) => l.p99), errors: loads.reduce((s, l) => s + l.errors, 0), cpuUsPerRequest: m((l) => l.cpuUsPerRequest), upstreamCpuUsPerRequest: m((l) => l.upstreamCpuUsPerRequest) };
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 3);
  const rounds = arg('rounds', 3);
  const connections = arg('connections', 32);
  const workers = arg('workers', 1);
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
    mkdirSync(join(dir, 'credential'));
    writeFileSync(join(dir, 'credential', 'token'), 'bench-token');
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
        upstream: { url: upstreamUrl, caFile: upstream.info.caFile, tokenFile: join(dir, 'credential', 'token') },
        auditLog: join(dir, 'audit.log'),
      }),
    );
    const gatehouse = await startChild(['--role', 'gatehouse', '--config', config]);
    children.push(gatehouse.child);
    const nodeProxy = await startChild(['--role', 'node-proxy', '--upstream', upstreamUrl, '--upstream-ca', upstream.info.caFile!, '--cert', tls.serverCertFile, '--key', tls.serverKeyFile]);
    children.push(nodeProxy.child);
    const nginx = await startNginx(dir, upstreamUrl, upstream.info.caFile!, tls.serverCertFile, tls.serverKeyFile, workers);
    if (nginx) children.push(nginx.child);
    const token = await issuer.issue(humanClaims(), { expiresIn: 3600 });
    if (!(await fetchOnce(gatehouse.info.url!, token))) throw new Error('Gatehouse did not answer 200');

    const upstreamPid = upstream.child.pid!;
    const targets: Target[] = [
      { name: 'direct', url: upstreamUrl },
      ...(nginx ? [{ name: 'nginx', url: nginx.url, pid: nginx.child.pid! }] : []),
      { name: 'node-proxy', url: nodeProxy.info.url!, pid: nodeProxy.child.pid! },
      { name: 'gatehouse', url: gatehouse.info.url!, token, pid: gatehouse.child.pid! },
    ];
    const samples: Record<string, Load[]> = {};
    const upstreamOpened: Record<string, number> = {};
    for (const target of targets) {
      const before = await upstreamConnections(upstream.child);
      await load(target, upstreamPid, 1, connections); // warm-up: connections, JIT, token cache
      upstreamOpened[target.name] = (await upstreamConnections(upstream.child)) - before;
    }
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) (samples[target.name] ??= []).push(await load(target, upstreamPid, seconds, connections));
    }
    for (const target of targets) {
      const before = await upstreamConnections(upstream.child);
      await load(target, upstreamPid, 1, connections);
      upstreamOpened[target.name]! += (await upstreamConnections(upstream.child)) - before;
    }
    const peak = Object.fromEntries(Object.entries(samples).map(([name, loads]) => [name, medianLoad(loads)]));
    const rate = Math.max(100, Math.round(peak.gatehouse!.rps / 2));
    const half: Record<'direct' | 'gatehouse', Load[]> = { direct: [], gatehouse: [] };
    for (let round = 0; round < rounds; round++) {
      half.direct.push(await load(targets[0]!, upstreamPid, seconds, connections, rate));
      half.gatehouse.push(await load(targets.at(-1)!, upstreamPid, seconds, connections, rate));
    }
    const atHalf = { direct: medianLoad(half.direct), gatehouse: medianLoad(half.gatehouse) };
    const ratio = nginx ? peak.gatehouse!.rps / peak.nginx!.rps : NaN;
    const cpuRatio = nginx ? peak.gatehouse!.cpuUsPerRequest / peak.nginx!.cpuUsPerRequest : NaN;
    const addedP99 = atHalf.gatehouse.p99 - atHalf.direct.p99;
    const report = {
      seconds,
      rounds,
      connections,
      workers,
      peakRequestsPerSecond: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v.rps)])),
      roundsRequestsPerSecond: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((l) => Math.round(l.rps))])),
      serverCpuMicrosecondsPerRequest: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v.cpuUsPerRequest)])),
      upstreamCpuMicrosecondsPerRequest: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v.upstreamCpuUsPerRequest)])),
      upstreamConnectionsOpenedDuringWarmups: upstreamOpened,
      errors: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, v.errors])),
      gatehouseToNginx: Number(fmt(ratio)),
      gatehouseToNginxCpuPerRequest: Number(fmt(cpuRatio)),
      halfRate: rate,
      p99AtHalfRateMs: { direct: atHalf.direct.p99, gatehouse: atHalf.gatehouse.p99, added: Number(fmt(addedP99)) },
      p50AtHalfRateMs: { direct: atHalf.direct.p50, gatehouse: atHalf.gatehouse.p50 },
    };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log(`proxy benchmark (TLS on loopback, ${connections} connections, ${workers} worker process(es) per proxy, median of ${rounds} interleaved rounds of ${seconds}s)`);
    console.log('path        requests/s   p50 ms   p99 ms   server CPU µs/req   upstream conns opened   errors');
    for (const [name, v] of Object.entries(peak)) {
      console.log(
        `${name.padEnd(11)} ${String(Math.round(v.rps)).padStart(10)} ${fmt(v.p50, 1).padStart(8)} ${fmt(v.p99, 1).padStart(8)} ${fmt(v.cpuUsPerRequest, 0).padStart(19)} ${String(upstreamOpened[name]).padStart(23)} ${String(v.errors).padStart(8)}`,
      );
    }
    console.log(`rounds (requests/s): ${Object.entries(report.roundsRequestsPerSecond).map(([k, v]) => `${k} ${v.join('/')}`).join(', ')}`);
    console.log(nginx ? `gatehouse / nginx requests/s: ${fmt(ratio)} (target ≥ 0.70); CPU per request ${fmt(cpuRatio)}× nginx's` : 'nginx not installed (Debian package nginx): ratio not measured');
    console.log(`at ${rate} req/s (half of Gatehouse's peak): p99 direct ${fmt(atHalf.direct.p99, 1)} ms, through Gatehouse ${fmt(atHalf.gatehouse.p99, 1)} ms, added ${fmt(addedP99, 1)} ms (target ≤ 2 ms)`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await issuer.stop();
    tls.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--name value` pairs after the script name. */
function namedArgs(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 2; i + 1 < process.argv.length; i++) if (process.argv[i]!.startsWith('--')) out[process.argv[i]!.slice(2)] = process.argv[i + 1]!;
  return out;
}

const roles = namedArgs();
if (roles.role) {
  await runRole(roles.role, roles);
} else {
  await main();
}
