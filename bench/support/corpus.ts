// Deterministic corpus of realistic Kubernetes manifests for the benchmarks: a mix of workload kinds (half hardened,
// half careless, as real clusters are), Services, ConfigMaps and Ingresses, written as multi-document YAML files of
// about twenty documents each, like a repository of application manifests.
import { mkdirSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';

/** A small, seeded PRNG (mulberry32) so every run generates the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const IMAGES = ['nginx:1.27.3', 'ghcr.io/acme/api:2.4.1', 'registry.example.com/payments/worker@sha256:' + 'a'.repeat(64), 'redis', 'postgres:16', 'busybox:latest', 'quay.io/prometheus/node-exporter:v1.8.2'];

function container(rand: Rand, name: string, hardened: boolean): Record<string, unknown> {
  const c: Record<string, unknown> = {
    name,
    image: hardened ? `ghcr.io/acme/${name}@sha256:${'0123456789abcdef'.repeat(4)}` : pick(rand, IMAGES),
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ...(hardened ? [] : [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]),
    ],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
  };
  if (hardened) {
    c.resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
    c.securityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  } else if (rand() < 0.5) {
    c.resources = { requests: { cpu: '50m' } };
    c.securityContext = rand() < 0.3 ? { privileged: true } : { capabilities: { add: ['NET_ADMIN'] } };
  }
  return c;
}

function podSpec(rand: Rand, app: string, hardened: boolean): Record<string, unknown> {
  const containers = [container(rand, app, hardened)];
  if (rand() < 0.3) containers.push(container(rand, `${app}-sidecar`, hardened));
  const spec: Record<string, unknown> = {
    serviceAccountName: hardened ? app : undefined,
    automountServiceAccountToken: hardened ? false : undefined,
    containers,
    volumes: [{ name: 'config', configMap: { name: `${app}-config` } }],
  };
  if (hardened) spec.securityContext = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };
  else if (rand() < 0.3) {
    spec.hostNetwork = true;
    (spec.volumes as unknown[]).push({ name: 'host', hostPath: { path: '/var/run' } });
  }
  if (rand() < 0.3) spec.initContainers = [container(rand, `${app}-init`, hardened)];
  return JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
}

function labels(app: string, hardened: boolean): Record<string, string> {
  return hardened ? { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop', owner: 'team-payments' } : { app };
}

function workload(rand: Rand, i: number): Record<string, unknown> {
  const hardened = rand() < 0.5;
  const app = `app-${i}`;
  const namespace = hardened ? pick(rand, ['payments', 'checkout', 'search']) : pick(rand, ['default', 'legacy', 'payments']);
  const metadata = { name: app, namespace, labels: labels(app, hardened) };
  const template = { metadata: { labels: labels(app, hardened) }, spec: podSpec(rand, app, hardened) };
  const selector = { matchLabels: { 'app.kubernetes.io/name': app } };
  const r = rand();
  if (r < 0.45) return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: 3, selector, template } };
  if (r < 0.6) return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata, spec: { serviceName: app, replicas: 3, selector, template } };
  if (r < 0.7) return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: { selector, template } };
  if (r < 0.78) return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { backoffLimit: 2, template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } } };
  if (r < 0.86) return { apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec: { schedule: '*/15 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...template.spec, restartPolicy: 'OnFailure' } } } } } };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: template.spec };
}

function companion(rand: Rand, i: number): Record<string, unknown> {
  const app = `app-${i}`;
  const namespace = pick(rand, ['payments', 'checkout', 'default']);
  const r = rand();
  if (r < 0.5) {
    const type = pick(rand, ['ClusterIP', 'ClusterIP', 'LoadBalancer', 'NodePort']);
    return { apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace, labels: { app } }, spec: { type, selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
  }
  if (r < 0.8) return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-config`, namespace }, data: { 'app.yaml': `server:\n  port: 8080\n  name: ${app}\n`, LOG_FORMAT: 'json' } };
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: app, namespace },
    spec: { ...(rand() < 0.5 ? { tls: [{ hosts: [`${app}.example.com`], secretName: `${app}-tls` }] } : {}), rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { number: 80 } } } }] } }] },
  };
}

/** Generates `count` resources (≈70% workloads) into `dir`, replacing what was there. Returns the files written. */
export function generateCorpus(dir: string, count: number, seed = 42): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = random(seed);
  const files: string[] = [];
  const perFile = 20;
  for (let start = 0; start < count; start += perFile) {
    const docs: string[] = [];
    for (let i = start; i < Math.min(count, start + perFile); i++) {
      const object = rand() < 0.7 ? workload(rand, i) : companion(rand, i);
      docs.push(`# Source: shop/templates/${String(object.kind).toLowerCase()}-${i}.yaml\n${dump(object, { lineWidth: -1 })}`);
    }
    const file = join(dir, `team-${Math.floor(start / 500)}`, `manifests-${start}.yaml`);
    mkdirSync(join(dir, `team-${Math.floor(start / 500)}`), { recursive: true });
    writeFileSync(file, `---\n${docs.join('---\n')}`);
    files.push(file);
  }
  return files;
}

/** The corpus directory for a size, generated on first use (bench/.corpus is git-ignored). */
export function corpusDir(count: number): string {
  const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '.corpus', String(count));
  if (!existsSync(dir) || readdirSync(dir).length === 0) generateCorpus(dir, count);
  return dir;
}

/** The objects of a corpus in memory, for benchmarks of engines rather than of the CLI. */
export function corpusObjects(count: number, seed = 42): Record<string, unknown>[] {
  const rand = random(seed);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) out.push(rand() < 0.7 ? workload(rand, i) : companion(rand, i));
  return out;
}
