// CEL evaluation speed on pod-sized objects: Gatehouse's environment (cel-js + Kubernetes libraries + cost
// accounting) against a hand-written JS function doing the same check (the baseline), in the same run; plus the
// bare evaluators (@marcbachmann/cel-js without Gatehouse's layer, @bufbuild/cel) for the evaluator choice.
//   node --import tsx bench/cel.bench.ts [--rounds N] [--json]
import { Environment } from '@marcbachmann/cel-js';
import { celEnv, parse, plan } from '@bufbuild/cel';
import { CelEnvironment, toCelValue } from '../src/cel/index.js';
import { compareToBaseline, fmt } from './support/stats.js';

type Pod = {
  metadata: { name: string; labels: Record<string, string> };
  spec: { containers: Container[]; initContainers: Container[]; volumes: { name: string; hostPath?: { path: string }; emptyDir?: object }[] };
};
type Container = { name: string; image: string; securityContext?: { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean } };

function pod(i: number): Pod {
  const container = (n: string): Container => ({
    name: n,
    image: `registry.example.com/team/${n}:1.${i % 7}`,
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
  });
  return {
    metadata: { name: `web-${i}`, labels: { app: 'web', tier: 'frontend' } },
    spec: {
      containers: [container('app'), container('sidecar'), container('proxy')],
      initContainers: [container('init')],
      volumes: [{ name: 'cache', emptyDir: {} }, { name: 'config', emptyDir: {} }],
    },
  };
}

const RULES: { name: string; expression: string; js: (p: Pod) => boolean }[] = [
  {
    name: 'all containers runAsNonRoot',
    expression:
      'object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) && c.securityContext.runAsNonRoot == true)',
    js: (p) => p.spec.containers.every((c) => c.securityContext?.runAsNonRoot === true),
  },
  {
    name: 'no hostPath volumes',
    expression: '!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))',
    js: (p) => !p.spec.volumes || p.spec.volumes.every((v) => v.hostPath === undefined),
  },
];

/** @bufbuild/cel takes maps as Map and ints as BigInt. */
function toBufInput(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toBufInput);
  if (value && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toBufInput(v)]));
  return value;
}

const PODS = Array.from({ length: 200 }, (_, i) => pod(i));
/** Passes over the pods per timed round, so even the JS baseline takes long enough to time. */
const PASSES = 20;
const EVALS_PER_ROUND = PODS.length * PASSES;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(args[args.indexOf('--rounds') + 1]) || 30;
  const gatehouse = new CelEnvironment({ variables: { object: 'dyn' } });
  const bare = new Environment({ enableOptionalTypes: true }).registerVariable('object', 'dyn');
  const buf = celEnv();
  // Inputs for the bare evaluators, converted once (Gatehouse converts, and caches, inside evaluate()).
  const celPods = PODS.map((p) => toCelValue(p));
  const bufPods = PODS.map((p) => toBufInput(p));

  const rows: Record<string, string | number>[] = [];
  for (const rule of RULES) {
    const program = gatehouse.compile(rule.expression);
    const bareProgram = bare.parse(rule.expression);
    bareProgram.check();
    const bufProgram = plan(buf, parse(rule.expression)) as unknown as (b: Record<string, unknown>) => unknown;
    PODS.forEach((p, i) => {
      const expected = rule.js(p);
      if (program.evaluate({ object: p }) !== expected) throw new Error(`${rule.name}: Gatehouse and JS disagree`);
      if (bareProgram({ object: celPods[i] }) !== expected) throw new Error(`${rule.name}: cel-js and JS disagree`);
      if (bufProgram({ object: bufPods[i] }) !== expected) throw new Error(`${rule.name}: @bufbuild/cel and JS disagree`);
    });
    let sink = 0;
    const baseline = () => {
      for (let n = 0; n < PASSES; n++) for (const p of PODS) sink += rule.js(p) ? 1 : 0;
    };
    const subjects: [string, () => void][] = [
      ['gatehouse', () => { for (let n = 0; n < PASSES; n++) for (const p of PODS) program.evaluate({ object: p }); }],
      ['cel-js (bare)', () => { for (let n = 0; n < PASSES; n++) for (const p of celPods) bareProgram({ object: p }); }],
      ['@bufbuild/cel', () => { for (let n = 0; n < PASSES; n++) for (const p of bufPods) bufProgram({ object: p }); }],
    ];
    for (const [engine, subject] of subjects) {
      const r = await compareToBaseline(subject, baseline, rounds);
      rows.push({
        rule: rule.name,
        engine,
        'µs/eval': Number(fmt((r.subjectMs * 1000) / EVALS_PER_ROUND, 3)),
        'baseline µs/eval': Number(fmt((r.baselineMs * 1000) / EVALS_PER_ROUND, 3)),
        'ratio to JS': Number(fmt(r.ratio, 1)),
      });
    }
    if (sink < 0) throw new Error('unreachable: keeps the baseline from being optimised away');
  }
  if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else console.table(rows);
}

await main();
