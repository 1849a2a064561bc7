// CEL policy evaluation against the built-in Pod Security Standards engine, measured in the same run.
// Subject: the Kyverno library's pod-security ValidatingPolicies (../shared/conformance/kyverno/pod-security-vpol:
// 6 baseline + 3 restricted controls), compiled once, evaluated over the benchmark corpus (≈70% workloads judged
// through autogen, the rest skipped by matchConstraints). Baseline: createPodSecurityPolicy(restricted:latest),
// which runs every baseline and restricted control, over the same objects. Each round gets fresh copies of the
// objects, so neither side profits from caches keyed on object identity (as in a real scan, where each object is
// seen once). The copies are made, and the young generation collected twice (which promotes the copies), before
// each timed phase, and the order of the two phases alternates, so that neither side pays for the other's garbage
// or for promoting the copies. (Not a full collection: a full collection also discards optimized code that
// depends on objects it frees, so the phase after it would measure V8 re-optimizing, which no long-running
// process does before every request or scan.)
// Phases are timed in CPU time of the process, which other processes on a shared machine do not inflate as they
// do elapsed time. Also: compile time (elapsed) of every policy in the Kyverno library folder.
// Run: node --import tsx bench/cel-policies.bench.ts [resources] [kyverno-library-dir]   (default 2000 ../shared/conformance/kyverno)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { KubeObject } from '../src/kube/object.js';
import { readManifests } from '../src/kube/manifest-files.js';
import type { ManifestEntry } from '../src/kube/manifests.js';
import { compilePolicies } from '../src/policy/loader/load-policies.js';
import type { Policy } from '../src/policy/policy.js';
import { createPodSecurityPolicy } from '../src/policy/pss/index.js';
import { corpusObjects } from './support/corpus.js';
import { fmt, median } from './support/stats.js';

const count = Number(process.argv[2] ?? 2000);
const library = process.argv[3] ?? '../shared/conformance/kyverno';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

if (!existsSync(join(library, 'pod-security-vpol'))) {
  console.error(`${library}/pod-security-vpol not found; the benchmark needs the conformance data beside the checkout`);
  process.exit(0);
}

async function entriesOf(paths: string[]): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  for await (const entry of readManifests(paths)) out.push(entry);
  return out;
}

function evaluateAll(policies: readonly Policy[], objects: readonly KubeObject[]): number {
  let outcomes = 0;
  for (const object of objects) {
    // One input per object, handed to every policy, as the policy engine does.
    const input = { object, operation: 'CREATE' } as const;
    for (const policy of policies) outcomes += (policy.evaluate(input) as unknown[]).length;
  }
  return outcomes;
}

const vpolEntries = await entriesOf([join(library, 'pod-security-vpol')]);
const vpol = compilePolicies(vpolEntries);
if (vpol.errors.length > 0) throw new Error(vpol.errors.map((e) => e.message).join('\n'));
const pss = [createPodSecurityPolicy({ level: 'restricted', version: 'latest' })];

const corpus = corpusObjects(count) as KubeObject[];
const copies = () => structuredClone(corpus);
// Warm-up until both sides run optimized code (CPU time also counts V8's compiler threads, busy at first).
for (let round = 0; round < 10; round++) {
  evaluateAll(vpol.policies, copies());
  evaluateAll(pss, copies());
}

// Young-generation collections before each timed phase (the flag must be set before the function can be obtained).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;

/**
 * Milliseconds of CPU time the process spends on `run` (its thread and V8's helper threads): on a shared machine,
 * time other processes take from this one does not count, as it would in elapsed time.
 */
function timed(run: (objects: KubeObject[]) => unknown): number {
  const objects = copies();
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  const start = process.cpuUsage();
  run(objects);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const celMs: number[] = [];
const pssMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const cel = () => celMs.push(timed((objects) => evaluateAll(vpol.policies, objects)));
  const builtIn = () => pssMs.push(timed((objects) => evaluateAll(pss, objects)));
  if (round % 2 === 0) (builtIn(), cel());
  else (cel(), builtIn());
}

const allEntries = await entriesOf([library]);
const compileMs: number[] = [];
let compiled = 0;
for (let round = 0; round < 3; round++) {
  const start = performance.now();
  compiled = compilePolicies(allEntries).policies.length;
  compileMs.push(performance.now() - start);
}

const celUs = (median(celMs) * 1000) / count;
const pssUs = (median(pssMs) * 1000) / count;
const result = {
  resources: count,
  rounds: ROUNDS,
  celPolicies: vpol.policies.length,
  celUsPerResource: Number(fmt(celUs)),
  pssUsPerResource: Number(fmt(pssUs)),
  ratio: Number(fmt(celUs / pssUs)),
  libraryPoliciesCompiled: compiled,
  libraryCompileMs: Number(fmt(median(compileMs), 1)),
};
console.log('subject                                  µs/resource');
console.log(`CEL pod-security-vpol (${vpol.policies.length} policies)          ${fmt(celUs).padStart(8)}`);
console.log(`built-in PSS restricted:latest           ${fmt(pssUs).padStart(8)}`);
console.log(`ratio CEL / built-in                     ${fmt(celUs / pssUs).padStart(8)}  (target ≤ 5)`);
console.log(`compile ${compiled} policies of the library:  ${fmt(median(compileMs), 1)} ms (target < 1000)`);
console.log(JSON.stringify(result));
