// Admission webhook throughput and latency on loopback, with autocannon as the load generator.
//
//   node --import tsx bench/admission.bench.ts [--duration 60] [--rate 1000] [--connections 16]
//
// Subject: `gatehouse admission` with Pod Security Standards restricted plus the Kyverno pod-security
// ValidatingPolicy set (../shared/conformance/kyverno/pod-security-vpol; PSS alone when absent), each server in
// its own process. Baseline, in the same run: an HTTPS webhook that parses the AdmissionReview and allows it.
// Reports peak requests/s and latency of both, latency of the subject at a fixed rate, and the subject's RSS
// sampled each second during the fixed-rate run (flat memory = no growth from first to last sample).
import { createRequire } from 'node:module';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS } from '../src/admission/config.js';
import { loadAdmissionPolicies } from '../src/admission/policy-sources.js';
import { startAdmissionServer } from '../src/admission/server.js';
import { NO_CLUSTER_OBJECTS } from '../src/admission/cluster-objects.js';
import { createLogger } from '../src/server/logger.js';
import { createTestTls } from '../test/support/tls.js';
import { fmt } from './support/stats.js';

/** The part of autocannon's API used here (the package ships no type declarations). */
interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<LoadResult>;

const VPOL = fileURLToPath(new URL('../../shared/conformance/kyverno/pod-security-vpol', import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A pod-create review as the API server sends it: a restricted-compliant pod with two containers. */
function podReview(): string {
  const container = (name: string) => ({
    name, image: 'registry.example.com/shop/api:1.4.2',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    ports: [{ containerPort: 8080 }],
  });
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'api-7d4b9c-x2x1z', namespace: 'shop', labels: { app: 'api', 'pod-template-hash': '7d4b9c' } },
    spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container('api'), container('sidecar')] },
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' },
      name: pod.metadata.name, namespace: 'shop', operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] },
      object: pod, oldObject: null, dryRun: false, options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

/** Child-process mode: serve one webhook and print its URL. */
async function serve(kind: string, certFile: string, keyFile: string): Promise<void> {
  if (kind === 'baseline') {
    const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
        const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(`https://127.0.0.1:${(server.address() as { port: number }).port}\n`));
    return;
  }
  const paths = existsSync(VPOL) ? [VPOL] : [];
  const server = await startAdmissionServer({
    host: '127.0.0.1', port: 0, tls: { certFile, keyFile }, settings: DEFAULT_SETTINGS, policyPaths: paths,
    loadPolicies: () => loadAdmissionPolicies(DEFAULT_SETTINGS, paths, NO_CLUSTER_OBJECTS),
    cluster: NO_CLUSTER_OBJECTS, logger: createLogger({ name: 'admission', level: 'warn' }),
  });
  process.stdout.write(`${server.url} ${server.policies.current().size}\n`);
}

function start(kind: string, certFile: string, keyFile: string): Promise<{ child: ChildProcess; url: string; policies: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', kind, certFile, keyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => {
      const [url, policies = '-'] = line.trim().split(' ');
      resolve({ child, url: url!, policies });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function load(url: string, ca: string, options: { duration: number; connections: number; rate?: number }): Promise<LoadResult> {
  return autocannon({
    url: `${url}/validate`, method: 'POST', body: podReview(), headers: { 'content-type': 'application/json' },
    duration: options.duration, connections: options.connections, ...(options.rate ? { overallRate: options.rate } : {}),
    tlsOptions: { ca },
  });
}

async function main(): Promise<void> {
  const duration = arg('duration', 60);
  const rate = arg('rate', 1000);
  const connections = arg('connections', 16);
  const tls = await createTestTls();
  const subject = await start('gatehouse', tls.serverCertFile, tls.serverKeyFile);
  const baseline = await start('baseline', tls.serverCertFile, tls.serverKeyFile);
  try {
    const peakDuration = Math.max(5, Math.round(duration / 4));
    await load(subject.url, tls.ca, { duration: 2, connections });
    await load(baseline.url, tls.ca, { duration: 2, connections });
    const basePeak = await load(baseline.url, tls.ca, { duration: peakDuration, connections });
    const subjectPeak = await load(subject.url, tls.ca, { duration: peakDuration, connections });
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssOf(subject.child.pid!)), 1000);
    const fixed = await load(subject.url, tls.ca, { duration, connections, rate });
    clearInterval(sampler);
    const row = (name: string, r: LoadResult) => ({
      run: name, 'req/s': fmt(r.requests.average, 0), 'p50 ms': fmt(r.latency.p50), 'p99 ms': fmt(r.latency.p99), errors: r.errors + r.non2xx,
    });
    const table = [row('baseline peak', basePeak), row('gatehouse peak', subjectPeak), row(`gatehouse @${rate}/s`, fixed)];
    console.table(table);
    const summary = {
      policies: `PSS restricted + ${existsSync(VPOL) ? 'pod-security-vpol' : 'nothing else (pod-security-vpol not found)'} (${subject.policies} policies)`,
      durationSeconds: duration,
      peakRatioToBaseline: Number((subjectPeak.requests.average / basePeak.requests.average).toFixed(3)),
      fixedRate: { target: rate, achieved: Math.round(fixed.requests.average), p50Ms: fixed.latency.p50, p99Ms: fixed.latency.p99 },
      rssMiB: { first: Number(fmt(rss[0] ?? NaN, 1)), last: Number(fmt(rss.at(-1) ?? NaN, 1)), max: Number(fmt(Math.max(...rss), 1)), samples: rss.length },
      targets: { p99AtRateMs: 5, peakRatio: 0.5 },
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    subject.child.kill();
    baseline.child.kill();
    tls.cleanup();
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1]!, process.argv[serveAt + 2]!, process.argv[serveAt + 3]!);
else await main();
