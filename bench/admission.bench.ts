// Admission webhook throughput and latency on loopback, with autocannon as the load generator.
//
//   node --import tsx bench/admission.bench.ts [--duration 60] [--rate 1000] [--connections 16] [--workers N] [--rounds 3]
//
// Subject: the `gatehouse admission` command itself (`--workers N`, default one per core) with Pod Security
// Standards restricted plus the Kyverno pod-security ValidatingPolicy set (../shared/conformance/kyverno/
// pod-security-vpol; PSS alone when absent). Baseline, in the same run and served the same way (N node:cluster
// worker processes sharing the port): an HTTPS webhook that parses the AdmissionReview and allows it.
// The load generator (one process) runs on the same machine, so server workers and load generator share its cores;
// the summary says how many there are.
// Peak requests/s and latency of both come from autocannon (closed loop: as fast as the server answers), in rounds
// that alternate baseline and subject (medians reported), each with the CPU time per request of the server's
// processes and of the load generator (Linux /proc): with the load generator on the same cores, the baseline's peak
// is bounded by the load generator as much as by its own cost, so the ratio of server CPU per request says what the
// ratio of peaks would be if the servers had the cores to themselves. The fixed rate runs open loop instead
// (support/paced-load.ts): autocannon's rate limit sends each second's quota as a burst at the start of the second,
// which measures bursts, not a steady 1,000 requests/s. The subject's RSS (all its processes) is sampled each second
// during the fixed-rate run: flat memory = no growth from first to last sample.
import cluster from 'node:cluster';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultWorkerCount } from '../src/server/workers.js';
import { createTestTls } from '../test/support/tls.js';
import { ownCpuSeconds, processTreeCpuSeconds } from './support/process-cpu.js';
import { autocannon, type LoadResult } from './support/autocannon.js';
import { fmt, median } from './support/stats.js';
import { pacedLoad, type PacedResult } from './support/paced-load.js';


const VPOL = fileURLToPath(new URL('../../shared/conformance/kyverno/pod-security-vpol', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

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

/** Child-process mode: the baseline webhook in `workers` node:cluster workers; the primary prints its URL. */
function serveBaseline(workers: number, certFile: string, keyFile: string): void {
  if (cluster.isPrimary) {
    let listening = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().on('message', (port: number) => {
        if (++listening === workers) process.stdout.write(`https://127.0.0.1:${port}\n`);
      });
    }
    return;
  }
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
      const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
}

interface Served {
  child: ChildProcess;
  url: string;
  /** Every process serving (workers and their primary), for RSS sampling. */
  pids: number[];
  policies: number;
}

function startBaseline(workers: number, certFile: string, keyFile: string): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-baseline', String(workers), certFile, keyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve({ child, url: line.trim(), pids: [child.pid!], policies: 0 }));
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
}

/** `gatehouse admission` as an operator runs it; its JSON logs say where it listens and which processes serve. */
function startGatehouse(workers: number, certFile: string, keyFile: string): Promise<Served> {
  const policies = existsSync(VPOL) ? ['--policies', VPOL] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'admission', ...policies, '--tls-cert', certFile, '--tls-key', keyFile,
    '--listen', '127.0.0.1:0', '--workers', String(workers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const listening: { url: string; pid?: number; policies: number }[] = [];
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (data: string) => {
      buffer += data;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl)) as { msg?: string; url?: string; pid?: number; policies?: number };
        buffer = buffer.slice(nl + 1);
        if (line.msg === 'admission webhook listening') listening.push({ url: line.url!, policies: line.policies ?? 0, ...(line.pid ? { pid: line.pid } : {}) });
        if (listening.length === workers) {
          const pids = [child.pid!, ...listening.flatMap((l) => (l.pid ? [l.pid] : []))];
          resolve({ child, url: listening[0]!.url, pids, policies: listening[0]!.policies });
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`gatehouse admission exited with ${code}`)));
  });
}

function rssOf(pids: readonly number[]): number {
  let kib = 0;
  for (const pid of pids) kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kib / 1024;
}

async function load(url: string, ca: string, options: { duration: number; connections: number; rate?: number }): Promise<LoadResult> {
  return autocannon({
    url: `${url}/validate`, method: 'POST', body: podReview(), headers: { 'content-type': 'application/json' },
    duration: options.duration, connections: options.connections, ...(options.rate ? { overallRate: options.rate } : {}),
    tlsOptions: { ca },
  });
}

interface Peak {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time per answered request of the server's processes and of the load generator (this process). */
  serverCpuUs: number;
  loadCpuUs: number;
}

async function peak(served: Served, ca: string, options: { duration: number; connections: number }): Promise<Peak> {
  const server = processTreeCpuSeconds(served.child.pid!);
  const own = ownCpuSeconds();
  const r = await load(served.url, ca, options);
  const answered = Math.max(1, r['2xx'] + r.non2xx);
  return {
    rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx,
    serverCpuUs: ((processTreeCpuSeconds(served.child.pid!) - server) * 1e6) / answered,
    loadCpuUs: ((ownCpuSeconds() - own) * 1e6) / answered,
  };
}

function medianPeak(peaks: readonly Peak[]): Peak {
  const m = (f: (p: Peak) => number) => median(peaks.map(f));
  return { rps: m((p) => p.rps), p50Ms: m((p) => p.p50Ms), p99Ms: m((p) => p.p99Ms), errors: peaks.reduce((sum, p) => sum + p.errors, 0),
    serverCpuUs: m((p) => p.serverCpuUs), loadCpuUs: m((p) => p.loadCpuUs) };
}

/** The paced client's request: the same review the peaks send. */
function pacedReview(ca: string) {
  return { method: 'POST', body: podReview(), headers: { 'content-type': 'application/json' }, ca };
}

async function main(): Promise<void> {
  const duration = arg('duration', 60);
  const rate = arg('rate', 1000);
  const connections = arg('connections', 16);
  const workers = arg('workers', defaultWorkerCount());
  const rounds = arg('rounds', 3);
  const tls = await createTestTls();
  const subject = await startGatehouse(workers, tls.serverCertFile, tls.serverKeyFile);
  const baseline = await startBaseline(workers, tls.serverCertFile, tls.serverKeyFile);
  try {
    const peakDuration = Math.max(3, Math.round(duration / 4 / rounds));
    await load(subject.url, tls.ca, { duration: 2, connections });
    await load(baseline.url, tls.ca, { duration: 2, connections });
    const basePeaks: Peak[] = [];
    const subjectPeaks: Peak[] = [];
    for (let i = 0; i < rounds; i++) {
      basePeaks.push(await peak(baseline, tls.ca, { duration: peakDuration, connections }));
      subjectPeaks.push(await peak(subject, tls.ca, { duration: peakDuration, connections }));
    }
    const basePeak = medianPeak(basePeaks);
    const subjectPeak = medianPeak(subjectPeaks);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssOf(subject.pids)), 1000);
    const fixed = await pacedLoad(`${subject.url}/validate`, { ...pacedReview(tls.ca), duration, connections, rate });
    clearInterval(sampler);
    // The same paced load on the baseline shows what the machine and the load generator add to every latency.
    const baseFixed = await pacedLoad(`${baseline.url}/validate`, { ...pacedReview(tls.ca), duration: Math.max(5, Math.round(duration / 4)), connections, rate });
    const row = (name: string, r: Peak) => ({
      run: name, 'req/s': fmt(r.rps, 0), 'p50 ms': fmt(r.p50Ms), 'p99 ms': fmt(r.p99Ms), errors: r.errors,
      'server CPU µs/req': fmt(r.serverCpuUs, 1), 'load generator CPU µs/req': fmt(r.loadCpuUs, 1),
    });
    const paced = (name: string, r: PacedResult) => ({ run: name, 'req/s': fmt(r.achieved, 0), 'p50 ms': fmt(r.p50Ms), 'p99 ms': fmt(r.p99Ms), errors: r.errors });
    const table = [
      row(`baseline peak (median of ${rounds})`, basePeak),
      row(`gatehouse peak (median of ${rounds})`, subjectPeak),
      paced(`baseline @${rate}/s (paced)`, baseFixed),
      paced(`gatehouse @${rate}/s (paced)`, fixed),
    ];
    console.table(table);
    const cpu = (p: Peak) => ({ rps: Math.round(p.rps), serverCpuUsPerRequest: Number(fmt(p.serverCpuUs, 1)), loadGeneratorCpuUsPerRequest: Number(fmt(p.loadCpuUs, 1)) });
    const summary = {
      policies: `PSS restricted + ${existsSync(VPOL) ? 'pod-security-vpol' : 'nothing else (pod-security-vpol not found)'} (${subject.policies} policies)`,
      machine: { cores: availableParallelism(), serverWorkers: workers, loadGenerator: 'one process on the same machine (autocannon for peaks, paced Node client for the fixed rate)' },
      durationSeconds: duration,
      peak: { rounds, secondsPerRound: peakDuration, baseline: cpu(basePeak), gatehouse: cpu(subjectPeak) },
      peakRatioToBaseline: Number((subjectPeak.rps / basePeak.rps).toFixed(3)),
      // Gatehouse's peak relative to the baseline's if each server had the cores to itself (no load generator).
      serverCpuRatioToBaseline: Number((basePeak.serverCpuUs / subjectPeak.serverCpuUs).toFixed(3)),
      fixedRate: {
        target: rate, achieved: Math.round(fixed.achieved), p50Ms: Number(fmt(fixed.p50Ms)), p99Ms: Number(fmt(fixed.p99Ms)), maxMs: Number(fmt(fixed.maxMs)),
        baseline: { p50Ms: Number(fmt(baseFixed.p50Ms)), p99Ms: Number(fmt(baseFixed.p99Ms)), maxMs: Number(fmt(baseFixed.maxMs)) },
      },
      rssMiB: { first: Number(fmt(rss[0] ?? NaN, 1)), last: Number(fmt(rss.at(-1) ?? NaN, 1)), max: Number(fmt(Math.max(...rss), 1)), samples: rss.length },
      targets: { p99AtRateMs: 5, peakRatio: 0.5 },
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    subject.child.kill('SIGTERM');
    baseline.child.kill('SIGKILL');
    tls.cleanup();
  }
}

const baselineAt = process.argv.indexOf('--serve-baseline');
if (baselineAt >= 0) serveBaseline(Number(process.argv[baselineAt + 1]), process.argv[baselineAt + 2]!, process.argv[baselineAt + 3]!);
else await main();
