// Throughput and added latency of `gatehouse proxy`, against the same fixed-response HTTPS upstream reached five
// ways in one run: directly, through nginx (proxy_pass with upstream keep-alive, no authentication), through the
// cheapest possible Node proxies (an https server forwarding with nothing else, once through node:https with a
// keep-alive Agent and once through an undici Pool, Gatehouse's client: the floors for Node), and through Gatehouse
// verifying a bearer token (the cached-token path: one token, as a client re-using its credential).
// Everything is TLS on loopback (TLS 1.2+ on every hop, upstream connections kept alive and TLS sessions reused on
// every proxy); nginx runs as many worker processes as Gatehouse. The load generators (autocannon for the peaks, a
// paced client for the fixed rate) run in this process. The paths are measured in interleaved rounds so they see
// the same machine load, and medians are reported.
//
//   node --import tsx bench/proxy.bench.ts [--seconds 3] [--rounds 3] [--connections 32] [--workers 1] [--json]
//     [--paths direct,nginx,node-proxy,node-undici,gatehouse]   (a subset, e.g. to profile one proxy; the
//                                                                latency check needs direct and gatehouse)
//
// Reported per path: requests/s (median of the rounds), CPU time per request of the server processes (Linux: read
// from /proc, all of a server's processes together), and the connections the upstream accepted (a proxy that
// reuses its upstream connections opens few). Then the Gatehouse/nginx ratio (target ≥ 0.7), and the latency at half
// of Gatehouse's peak rate on every path, with Gatehouse's added p99 over direct (target ≤ 2 ms). That rate is kept
// by a paced open-loop client (support/paced-load.ts: requests spread evenly, each timed from when it was due), in
// interleaved rounds, medians reported; the servers' CPU per request is reported there too, every path at the same
// rate (each path's peak runs at its own rate, and a server handling fewer requests per event-loop turn spends more
// on each).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { processTreeCpuSeconds } from './support/process-cpu.js';
import { autocannon } from './support/autocannon.js';
import { pacedLoad, type PacedResult } from './support/paced-load.js';
import { fmt, median } from './support/stats.js';

const SELF = fileURLToPath(import.meta.url);
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

const PATH = '/api/v1/namespaces/default/configmaps/bench';
const BODY = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench', namespace: 'default', resourceVersion: '1' }, data: { key: 'value' } });

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const PATHS = ['direct', 'nginx', 'node-proxy', 'node-undici', 'gatehouse'];

function pathsArg(): Set<string> {
  const i = process.argv.indexOf('--paths');
  if (i < 0) return new Set(PATHS);
  const chosen = (process.argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = chosen.filter((p) => !PATHS.includes(p));
  if (chosen.length === 0 || unknown.length > 0) throw new Error(`--paths: choose among ${PATHS.join(', ')}`);
  return new Set(chosen);
}

/** Child roles (upstream, node-proxy, node-undici): each prints one JSON line with its URL once it listens. */
async function runRole(role: string, input: Record<string, string>): Promise<void> {
  // Exiting on SIGTERM (rather than being killed by it) lets BENCH_NODE_OPTIONS=--cpu-prof write its profile.
  process.once('SIGTERM', () => process.exit(0));
  if (role === 'upstream') {
    const { startFakeApiServer } = await import('../test/support/fake-apiserver.js');
    const server = await startFakeApiServer({ fixedResponse: BODY });
    process.on('message', () => process.send!({ connections: server.connectionsAccepted() }));
    console.log(JSON.stringify({ url: server.url, caFile: server.tls.caFile }));
    return;
  }
  await runNodeProxy(input, role === 'node-proxy' ? 'https' : 'undici');
}

/**
 * The floors for any proxy built on Node: an https server that forwards with nothing else (no authentication, header
 * rules, audit or metrics) through node:https with a keep-alive Agent (`node-proxy`) or through an undici Pool, the
 * client Gatehouse uses (`node-undici`). Gatehouse's own cost is what it spends above the latter.
 */
async function runNodeProxy(input: Record<string, string>, client: 'https' | 'undici'): Promise<void> {
  const https = await import('node:https');
  const ca = readFileSync(input['upstream-ca']!);
  const upstream = new URL(input.upstream!);
  let forward: (req: IncomingMessage, res: ServerResponse) => void;
  if (client === 'https') {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512, ca });
    forward = (req, res) => {
      const forwarded = https.request({ agent, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, servername: 'localhost' }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    };
  } else {
    const { Pool } = await import('undici');
    const pool = new Pool(upstream.origin, { connections: 512, connect: { ca, servername: 'localhost' } });
    forward = (req, res) => {
      const { host: _host, connection: _connection, ...headers } = req.headers;
      const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
      pool.dispatch(
        { method: req.method ?? 'GET', path: req.url ?? '/', headers: headers as Record<string, string>, body: hasBody ? req : null },
        {
          onRequestStart: () => {},
          onResponseStart: (_c, status, answer) => res.writeHead(status, answer),
          onResponseData: (c, chunk) => {
            if (!res.write(chunk)) {
              c.pause();
              res.once('drain', () => c.resume());
            }
          },
          onResponseEnd: () => res.end(),
          onResponseError: () => res.destroy(),
        },
      );
    };
  }
  const server = https.createServer({ cert: readFileSync(input.cert!), key: readFileSync(input.key!), keepAliveTimeout: 65_000 }, forward);
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `https://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** BENCH_NODE_OPTIONS (e.g. --cpu-prof) is passed to the server processes only, to profile them. */
function nodeOptions(): string[] {
  return process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
}

function startChild(args: string[]): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions(), '--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
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
  try {
    await answering(url, undefined, undefined, 'nginx');
  } catch (err) {
    child.kill();
    throw err;
  }
  return { child, url };
}

/** Waits until `url` answers the benchmark request with 200 (up to 30 s: workers and key loading take a moment). */
async function answering(url: string, ca: string | undefined, token: string | undefined, name: string): Promise<void> {
  const once = () =>
    new Promise<boolean>((resolve) => {
      const req = httpsRequest(url + PATH, { agent: false, ...(ca ? { ca } : { rejectUnauthorized: false }), headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.setTimeout(2000, () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  for (let i = 0; i < 600; i++) {
    if (await once()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not answer 200 at ${url}`);
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
  /** CA that verifies the target's certificate (PEM). */
  ca: string;
  token?: string;
  pid?: number;
}

function upstreamConnections(upstream: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    upstream.once('message', (m: { connections: number }) => resolve(m.connections));
    upstream.send('connections?');
  });
}

async function load(target: Target, upstreamPid: number, seconds: number, connections: number): Promise<Load> {
  const cpu0 = target.pid ? processTreeCpuSeconds(target.pid) : NaN;
  const up0 = processTreeCpuSeconds(upstreamPid);
  const result = await autocannon({
    url: target.url + PATH,
    duration: seconds,
    connections,
    headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
  });
  const total = result['2xx'] + result.non2xx;
  const perRequest = (cpu: number) => (cpu * 1e6) / Math.max(1, total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuUsPerRequest: target.pid ? perRequest(processTreeCpuSeconds(target.pid) - cpu0) : perRequest(processTreeCpuSeconds(upstreamPid) - up0),
    upstreamCpuUsPerRequest: perRequest(processTreeCpuSeconds(upstreamPid) - up0),
  };
}

interface AtRate extends PacedResult {
  /** CPU microseconds per request of the server processes (as in Load), here with every path at the same rate. */
  cpuUsPerRequest: number;
}

async function paced(target: Target, upstreamPid: number, seconds: number, connections: number, rate: number): Promise<AtRate> {
  const pid = target.pid ?? upstreamPid;
  const cpu0 = processTreeCpuSeconds(pid);
  const result = await pacedLoad(target.url + PATH, { duration: seconds, connections, rate, ca: target.ca, ...(target.token ? { headers: { authorization: `Bearer ${target.token}` } } : {}) });
  // The paced client's first request on each connection opens it and is not counted; its CPU is, negligibly.
  return { ...result, cpuUsPerRequest: ((processTreeCpuSeconds(pid) - cpu0) * 1e6) / Math.max(1, result.achieved * seconds) };
}

function medianAtRate(results: AtRate[]): AtRate {
  const m = (f: (r: AtRate) => number) => median(results.map(f));
  return {
    achieved: m((r) => r.achieved), p50Ms: m((r) => r.p50Ms), p99Ms: m((r) => r.p99Ms), maxMs: m((r) => r.maxMs),
    errors: results.reduce((s, r) => s + r.errors, 0), cpuUsPerRequest: m((r) => r.cpuUsPerRequest),
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
  const paths = pathsArg();
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
    // Fixed ports, so that every worker process listens on the one the load generator is given.
    const gatehousePort = await freePort();
    writeFileSync(
      config,
      stringify({
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'ProxyConfiguration',
        authenticationConfig: auth,
        listen: `127.0.0.1:${gatehousePort}`,
        operationsListen: `127.0.0.1:${await freePort()}`,
        tls: { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile },
        upstream: { url: upstreamUrl, caFile: upstream.info.caFile, tokenFile: join(dir, 'credential', 'token') },
        auditLog: join(dir, 'audit.log'),
        logLevel: 'warn',
      }),
    );
    const targets: Target[] = [];
    if (paths.has('direct')) targets.push({ name: 'direct', url: upstreamUrl, ca: readFileSync(upstream.info.caFile!, 'utf8') });
    const nginx = paths.has('nginx') ? await startNginx(dir, upstreamUrl, upstream.info.caFile!, tls.serverCertFile, tls.serverKeyFile, workers) : undefined;
    if (nginx) {
      children.push(nginx.child);
      targets.push({ name: 'nginx', url: nginx.url, ca: tls.ca, pid: nginx.child.pid! });
    }
    for (const name of ['node-proxy', 'node-undici'].filter((p) => paths.has(p))) {
      const nodeProxy = await startChild(['--role', name, '--upstream', upstreamUrl, '--upstream-ca', upstream.info.caFile!, '--cert', tls.serverCertFile, '--key', tls.serverKeyFile]);
      children.push(nodeProxy.child);
      targets.push({ name, url: nodeProxy.info.url!, ca: tls.ca, pid: nodeProxy.child.pid! });
    }
    if (paths.has('gatehouse')) {
      // The command as shipped (`gatehouse proxy --config … --workers N`), not an in-process server.
      const child = spawn(process.execPath, [...nodeOptions(), '--import', 'tsx', MAIN, 'proxy', '--config', config, ...(workers > 1 ? ['--workers', String(workers)] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
      children.push(child);
      const url = `https://127.0.0.1:${gatehousePort}`;
      const token = await issuer.issue(humanClaims(), { expiresIn: 3600 });
      await answering(url, tls.ca, token, 'Gatehouse');
      targets.push({ name: 'gatehouse', url, ca: tls.ca, token, pid: child.pid! });
    }

    const upstreamPid = upstream.child.pid!;
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
    const direct = targets.find((t) => t.name === 'direct');
    const gatehouse = targets.find((t) => t.name === 'gatehouse');
    let atHalf: { rate: number; paths: Record<string, AtRate> } | undefined;
    if (direct && gatehouse) {
      const rate = Math.max(100, Math.round(peak.gatehouse!.rps / 2));
      const half: Record<string, AtRate[]> = {};
      for (let round = 0; round < rounds; round++) {
        for (const target of targets) (half[target.name] ??= []).push(await paced(target, upstreamPid, seconds, connections, rate));
      }
      atHalf = { rate, paths: Object.fromEntries(Object.entries(half).map(([name, results]) => [name, medianAtRate(results)])) };
    }
    /** Gatehouse against another path: requests/s ratio and CPU-per-request ratio (NaN when either is missing). */
    const against = (name: string) => ({
      requests: peak.gatehouse && peak[name] ? peak.gatehouse.rps / peak[name].rps : NaN,
      cpu: peak.gatehouse && peak[name] ? peak.gatehouse.cpuUsPerRequest / peak[name].cpuUsPerRequest : NaN,
    });
    const toNginx = against('nginx');
    const toNode = against('node-proxy');
    const toUndici = against('node-undici');
    const addedP99 = atHalf ? atHalf.paths.gatehouse!.p99Ms - atHalf.paths.direct!.p99Ms : NaN;
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
      gatehouseToNginx: Number(fmt(toNginx.requests)),
      gatehouseToNginxCpuPerRequest: Number(fmt(toNginx.cpu)),
      gatehouseToNodeProxy: Number(fmt(toNode.requests)),
      gatehouseToNodeProxyCpuPerRequest: Number(fmt(toNode.cpu)),
      gatehouseToNodeUndici: Number(fmt(toUndici.requests)),
      gatehouseToNodeUndiciCpuPerRequest: Number(fmt(toUndici.cpu)),
      ...(atHalf
        ? {
            halfRate: atHalf.rate,
            atHalfRate: Object.fromEntries(
              Object.entries(atHalf.paths).map(([k, v]) => [
                k,
                { achieved: Math.round(v.achieved), p50Ms: Number(fmt(v.p50Ms)), p99Ms: Number(fmt(v.p99Ms)), maxMs: Number(fmt(v.maxMs)), errors: v.errors, serverCpuMicrosecondsPerRequest: Math.round(v.cpuUsPerRequest) },
              ]),
            ),
            addedP99AtHalfRateMs: Number(fmt(addedP99)),
          }
        : {}),
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
    if (paths.has('nginx') && !nginx) console.log('nginx not installed (Debian package nginx): ratio not measured');
    if (!Number.isNaN(toNginx.requests)) console.log(`gatehouse / nginx requests/s: ${fmt(toNginx.requests)} (target ≥ 0.70); CPU per request ${fmt(toNginx.cpu)}× nginx's`);
    if (!Number.isNaN(toNode.requests)) console.log(`gatehouse / minimal Node proxy (node:https) requests/s: ${fmt(toNode.requests)}; CPU per request ${fmt(toNode.cpu)}× its`);
    if (!Number.isNaN(toUndici.requests)) console.log(`gatehouse / minimal Node proxy (undici) requests/s: ${fmt(toUndici.requests)}; CPU per request ${fmt(toUndici.cpu)}× its`);
    if (atHalf) {
      console.log(`at ${atHalf.rate} req/s (half of Gatehouse's peak, paced, median of ${rounds} interleaved rounds):`);
      console.log('path        achieved/s   p50 ms   p99 ms   max ms   server CPU µs/req   errors');
      for (const [name, v] of Object.entries(atHalf.paths)) {
        console.log(
          `${name.padEnd(11)} ${fmt(v.achieved, 0).padStart(10)} ${fmt(v.p50Ms).padStart(8)} ${fmt(v.p99Ms).padStart(8)} ${fmt(v.maxMs, 1).padStart(8)} ${fmt(v.cpuUsPerRequest, 0).padStart(19)} ${String(v.errors).padStart(8)}`,
        );
      }
      console.log(`Gatehouse's added p99 over direct: ${fmt(addedP99)} ms (target ≤ 2 ms)`);
    }
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
