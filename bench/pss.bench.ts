// Per-pod Pod Security Standards evaluation at restricted:latest, against a floor measured in the same run: a plain
// traversal that reads every field the checks read (pod and container securityContexts, ports, probes, volumes,
// annotations) and nothing else. Pods: the workload templates of the benchmark corpus (half hardened, half careless)
// and, when present, Pod Security Admission's fixture pods (every control's edge cases).
// Run: node --import tsx bench/pss.bench.ts [corpus-resources] [fixtures-dir]   (default 2000 ../shared/conformance/pss)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifestText } from '../src/kube/manifests.js';
import { asRecord, podTemplateOf } from '../src/kube/pod-template.js';
import type { KubeObject } from '../src/kube/object.js';
import { evaluatePodSecurity, type PssSelector } from '../src/policy/pss/index.js';
import { corpusObjects } from './support/corpus.js';
import { compareToBaseline, fmt, median, percentile } from './support/stats.js';

interface Pod { metadata: unknown; spec: unknown }

const corpusSize = Number(process.argv[2] ?? 2000);
const fixturesDir = process.argv[3] ?? '../shared/conformance/pss';
const selector: PssSelector = { level: 'restricted', version: 'latest' };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const REPEAT = 16;

function corpusPods(): Pod[] {
  return corpusObjects(corpusSize).flatMap((o) => {
    const template = podTemplateOf(o as KubeObject);
    return template ? [{ metadata: template.metadata, spec: template.spec }] : [];
  });
}

function fixturePods(): Pod[] {
  const dir = join(fixturesDir, 'restricted', 'v1.37');
  if (!existsSync(dir)) return [];
  return ['pass', 'fail'].flatMap((kind) => readdirSync(join(dir, kind)).map((name) => {
    const [entry] = parseManifestText(readFileSync(join(dir, kind, name), 'utf8'), name);
    const pod = entry?.type === 'object' ? entry.object : { metadata: {}, spec: {} };
    return { metadata: pod.metadata, spec: asRecord(pod.spec) };
  }));
}

let sink = 0;

function touchSecurityContext(sc: unknown): void {
  const r = asRecord(sc);
  if (!r) return;
  for (const key in r) {
    const value = r[key];
    sink += Array.isArray(value) ? value.length : asRecord(value) ? Object.keys(value as object).length : value === undefined ? 0 : 1;
  }
}

/** The floor: visit what the checks visit, deciding nothing. */
function traverse(pod: Pod): void {
  const spec = asRecord(pod.spec)!;
  for (const key in asRecord(asRecord(pod.metadata)?.annotations) ?? {}) sink += key.length;
  touchSecurityContext(spec.securityContext);
  sink += (spec.hostNetwork ? 1 : 0) + (spec.hostPID ? 1 : 0) + (spec.hostIPC ? 1 : 0) + (spec.hostUsers ? 1 : 0) + (spec.os ? 1 : 0);
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const container = asRecord(c)!;
      sink += String(container.name).length;
      touchSecurityContext(container.securityContext);
      for (const port of (container.ports as unknown[] | undefined) ?? []) sink += asRecord(port)?.hostPort ? 1 : 0;
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) sink += container[probe] ? 1 : 0;
    }
  }
  for (const volume of (spec.volumes as unknown[] | undefined) ?? []) for (const key in asRecord(volume) ?? {}) sink += key.length;
}

function evaluate(pod: Pod): void {
  sink += evaluatePodSecurity(selector, pod.metadata, pod.spec).length;
}

/** µs per call of `fn` on each pod (each pod timed over REPEAT calls), median over rounds; subject and floor interleaved. */
function perPod(pods: Pod[]): { subject: number[]; floor: number[] } {
  const subject: number[][] = pods.map(() => []);
  const floor: number[][] = pods.map(() => []);
  const time = (fn: (pod: Pod) => void, pod: Pod) => {
    const start = process.hrtime.bigint();
    for (let r = 0; r < REPEAT; r++) fn(pod);
    return Number(process.hrtime.bigint() - start) / 1e3 / REPEAT;
  };
  for (let round = 0; round < ROUNDS; round++) {
    pods.forEach((pod, i) => {
      floor[i]!.push(time(traverse, pod));
      subject[i]!.push(time(evaluate, pod));
    });
  }
  return { subject: subject.map(median), floor: floor.map(median) };
}

function summarize(name: string, pods: Pod[]) {
  for (const pod of pods) { evaluate(pod); traverse(pod); }
  const { subject, floor } = perPod(pods);
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const s = sorted(subject);
  const f = sorted(floor);
  const denied = pods.filter((p) => evaluatePodSecurity(selector, p.metadata, p.spec).some((r) => !r.allowed)).length;
  return {
    set: name,
    pods: pods.length,
    deniedPods: denied,
    medianUs: percentile(s, 50),
    p99Us: percentile(s, 99),
    floorMedianUs: percentile(f, 50),
    floorP99Us: percentile(f, 99),
    ratio: percentile(s, 50) / percentile(f, 50),
  };
}

const sets = [{ name: 'corpus workloads', pods: corpusPods() }, { name: 'PSA fixtures v1.37', pods: fixturePods() }].filter((s) => s.pods.length > 0);
if (sets.length === 1) console.error(`pss bench: PSA fixtures not found under ${fixturesDir}; measuring the generated corpus only`);
const rows = sets.map((s) => summarize(s.name, s.pods));
const all = sets.flatMap((s) => s.pods);
const batch = await compareToBaseline(() => { for (const p of all) evaluate(p); }, () => { for (const p of all) traverse(p); }, ROUNDS);

console.log(`Pod Security Standards evaluation at ${selector.level}:${selector.version}, per pod (µs); floor = traversal of the same fields`);
console.log('set                    pods  denied   median      p99   floor med  floor p99   ratio');
for (const r of rows) {
  console.log(`${r.set.padEnd(20)} ${String(r.pods).padStart(6)} ${String(r.deniedPods).padStart(7)} ${fmt(r.medianUs).padStart(8)} ${fmt(r.p99Us).padStart(8)} ` +
    `${fmt(r.floorMedianUs).padStart(11)} ${fmt(r.floorP99Us).padStart(10)} ${fmt(r.ratio).padStart(7)}×`);
}
console.log(`whole set, ${all.length} pods per pass: ${fmt((batch.subjectMs * 1000) / all.length)} µs/pod vs floor ` +
  `${fmt((batch.baselineMs * 1000) / all.length)} µs/pod (${fmt(batch.ratio)}×)`);
console.log(JSON.stringify({
  benchmark: 'pss', selector: `${selector.level}:${selector.version}`, node: process.version, rows,
  batch: { pods: all.length, usPerPod: (batch.subjectMs * 1000) / all.length, floorUsPerPod: (batch.baselineMs * 1000) / all.length, ratio: batch.ratio },
  sink: sink > 0,
}));
