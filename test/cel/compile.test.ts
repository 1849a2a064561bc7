// Compiled closures (src/cel/compile.ts) against the interpreter: same values, same errors (message and
// position), same cost — for hand-picked edge cases and for every expression of the Kyverno policy library over
// the benchmark corpus and the library's own test resources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { CelEnvironment, CostMeter, toCelValue, type CelEnvironmentOptions, type CelProgram } from '../../src/cel/index.js';
import { EMPTY_LOOKUP } from '../../src/kube/matching/object-index.js';
import { kyvernoLibraries } from '../../src/policy/kyverno/libraries.js';
import { corpusObjects } from '../../bench/support/corpus.js';

const LIBRARY = '../shared/conformance/kyverno';
const VARIABLES = { object: 'dyn', oldObject: 'dyn', request: 'dyn', params: 'dyn', namespaceObject: 'dyn', variables: 'dyn' };

/** The same expression compiled both ways. */
class Pair {
  readonly #compiled: CelEnvironment;
  readonly #interpreted: CelEnvironment;
  constructor(options: CelEnvironmentOptions) {
    this.#compiled = new CelEnvironment(options);
    this.#interpreted = new CelEnvironment({ ...options, interpretOnly: true });
  }
  compile(expression: string): [CelProgram, CelProgram] | undefined {
    try {
      return [this.#compiled.compile(expression), this.#interpreted.compile(expression)];
    } catch {
      return undefined;
    }
  }
}

type Outcome = { value: unknown; cost: number } | { error: string; kind: string; cost: number };

function run(program: CelProgram, activation: Record<string, unknown>, costLimit?: number): Outcome {
  const meter = new CostMeter(costLimit);
  try {
    return { value: program.evaluate(activation, { meter, raw: true, celActivation: true }), cost: meter.cost };
  } catch (error) {
    return { error: (error as Error).message, kind: (error as Error).name, cost: meter.cost };
  }
}

/** Asserts identical outcomes; returns whether the compiled program raised an error. */
function assertSame(programs: [CelProgram, CelProgram], activation: Record<string, unknown>, costLimit?: number): boolean {
  const compiled = run(programs[0], activation, costLimit);
  const interpreted = run(programs[1], activation, costLimit);
  assert.deepEqual(compiled, interpreted, `${programs[0].expression} on ${JSON.stringify(activation, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)).slice(0, 300)}`);
  return 'error' in compiled;
}

const plain = new Pair({ variables: VARIABLES });

const EDGE_CASES: readonly string[] = [
  'object.spec.containers.all(c, c.securityContext.privileged == false)',
  'object.spec.containers.exists(c, c.securityContext.privileged)',
  'object.spec.containers.exists_one(c, c.securityContext.runAsUser > 0)',
  'object.spec.containers.map(c, c.name)',
  'object.spec.containers.map(c, c.securityContext.runAsUser > 0, c.name)',
  'object.spec.containers.filter(c, c.name.startsWith("a")).size()',
  'object.spec.containers.all(c, c.name)',
  'object.spec.containers.exists(c, c.name == "a" ? c.image : false)',
  'object.missing || true',
  'true || object.missing',
  'object.missing && false',
  'object.missing || false',
  'object.missing && true',
  'object.spec.replicas || true',
  'false || object.spec.replicas',
  'object.spec.replicas && object.missing',
  '!object.spec.replicas',
  '-object.spec.replicas',
  'object.spec.replicas ? 1 : 2',
  'object.spec.replicas / 0',
  'object.spec.replicas % 0',
  'object.spec.replicas * 9223372036854775807',
  'object.spec.replicas + 1.5',
  'object.spec.replicas == 3.0',
  'object.spec.containers[5]',
  'object.spec.containers[-1]',
  'object.spec.containers[0].name[0]',
  'object.spec.?containers[?0].?name.orValue("none")',
  'object.spec.?missing.?x.orValue(object.spec.replicas)',
  'object.spec.missing.orValue(1)',
  'has(object.spec.replicas) && has(object.spec.missing)',
  'object.metadata.labels.all(k, object.metadata.labels[k].size() > 0)',
  'object.metadata.labels.exists(k, k == "app")',
  'object.metadata.name.all(c, true)',
  '[1, 2, 3].map(x, x * 2) + object.spec.containers.map(c, c.name.size())',
  '[object.missing, object.spec.replicas]',
  '[object.spec.replicas, object.missing, object.alsoMissing]',
  '{"a": object.spec.replicas}.a + 1',
  'object.spec.containers.all(c, c.ports.all(p, p.containerPort > 1000 && p.containerPort in [8080, 9090]))',
  'object.metadata.name.matches("^[a-z]+$") && object.metadata.name.contains("e")',
  'object.metadata.name.startsWith(object.missing)',
  'size(object.spec.containers) == 2 && object.spec.containers.size() in [2]',
  'object.spec.containers.map(c, c.name).join(",")',
  'cel.bind(n, object.spec.containers.size(), n * n)',
  'object.spec.containers.all(i, c, c.name != "")',
  'int(object.spec.replicas) + 1 == 4 && uint(object.spec.replicas) == 3u',
  'string(object.spec.replicas) + "x"',
  'variables.count > 2 || variables.names.exists(n, n == "b")',
  'variables.missing',
];

const EDGE_OBJECTS: readonly Record<string, unknown>[] = [
  {
    metadata: { name: 'web', labels: { app: 'web', tier: '' } },
    spec: {
      replicas: 3,
      containers: [
        { name: 'a', image: 'nginx', securityContext: { privileged: false, runAsUser: 1000 }, ports: [{ containerPort: 8080 }] },
        { name: 'b', image: 'redis', securityContext: { privileged: true, runAsUser: 0 }, ports: [{ containerPort: 80 }] },
      ],
    },
  },
  { metadata: { name: 'bare' }, spec: { replicas: 1.5, containers: [{ name: 'x', ports: [] }] } },
  { metadata: { name: 'empty', labels: {} }, spec: { containers: [] } },
  { spec: { replicas: 'three', containers: 'not a list' } },
];

test('edge cases: values, errors and cost are the interpreter\'s', () => {
  let errors = 0;
  for (const expression of EDGE_CASES) {
    const programs = plain.compile(expression);
    assert.ok(programs, `${expression} compiles`);
    for (const object of EDGE_OBJECTS) {
      const activation = { object: toCelValue(object), variables: toCelValue({ count: 3, names: ['a', 'b'] }) };
      if (assertSame(programs, activation)) errors++;
    }
  }
  assert.ok(errors > 40, `errors are compared too (${errors})`);
});

test('the cost budget stops the compiled closures where it stops the interpreter', () => {
  const object = toCelValue({ spec: { containers: Array.from({ length: 2000 }, (_, i) => ({ name: `c${i}`, args: ['x'.repeat(100)] })) } });
  const expressions = [
    'object.spec.containers.all(c, object.spec.containers.all(d, c.name != d.name || c == d))',
    'object.spec.containers.exists(c, c.name == "none") || object.spec.containers.all(c, c.args.all(a, a.size() > 0))',
    'object.spec.containers.map(c, c.args[0] + c.args[0]).size() > 0',
  ];
  for (const expression of expressions) {
    const programs = plain.compile(expression)!;
    for (const limit of [1000, 25_000, 1_000_000]) assertSame(programs, { object }, limit);
  }
});

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

function documentsOf(path: string): unknown[] {
  try {
    return loadAll(readFileSync(path, 'utf8')).filter((d) => typeof d === 'object' && d !== null);
  } catch {
    return [];
  }
}

const EXPRESSION_KEYS = new Set(['expression', 'messageExpression', 'valueExpression']);

/** Every CEL expression of a document, and its variables in order of definition. */
function expressionsOf(doc: unknown): { expressions: string[]; variables: [string, string][] } {
  const expressions: string[] = [];
  const variables: [string, string][] = [];
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        visit(item, key);
        const entry = item as { name?: unknown; expression?: unknown };
        if (key === 'variables' && typeof entry?.name === 'string' && typeof entry.expression === 'string') variables.push([entry.name, entry.expression]);
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (EXPRESSION_KEYS.has(k) && typeof v === 'string') expressions.push(v);
        else visit(v, k);
      }
    }
  };
  visit(doc, '');
  return { expressions, variables };
}

/** Pods and the pod templates of workloads, as autogen rules see them, plus the objects themselves. */
function subjectsOf(object: Record<string, unknown>): Record<string, unknown>[] {
  const spec = object.spec as Record<string, unknown> | undefined;
  const template = ((spec?.jobTemplate as { spec?: { template?: unknown } } | undefined)?.spec?.template ?? spec?.template) as
    | { metadata?: unknown; spec?: unknown }
    | undefined;
  if (!template?.spec) return [object];
  return [object, { apiVersion: 'v1', kind: 'Pod', metadata: template.metadata ?? {}, spec: template.spec }];
}

test('every expression of the Kyverno library: compiled and interpreted agree on the corpus and the test resources', (t) => {
  if (!existsSync(LIBRARY)) {
    t.skip(`${LIBRARY} not found: the conformance data is not beside the checkout`);
    return;
  }
  const documents = yamlFiles(LIBRARY).flatMap(documentsOf) as Record<string, unknown>[];
  const policies = documents.filter((d) => /kyverno\.io|admissionregistration/.test(String(d.apiVersion)) && d.kind !== 'Test');
  const resources = documents.filter((d) => typeof d.kind === 'string' && !/kyverno\.io|admissionregistration/.test(String(d.apiVersion))).slice(0, 150);
  const objects = [...corpusObjects(60), ...resources].flatMap((o) => subjectsOf(o as Record<string, unknown>)).map(toCelValue);
  const pair = new Pair({ variables: VARIABLES, libraries: kyvernoLibraries(EMPTY_LOOKUP) });
  let compared = 0;
  let expressionCount = 0;
  let total = 0;
  for (const policy of policies) {
    const { expressions, variables } = expressionsOf(policy);
    const variablePrograms = variables.map(([name, expression]) => [name, pair.compile(expression)] as const);
    const programs = expressions.map((e) => pair.compile(e)).filter((p): p is [CelProgram, CelProgram] => p !== undefined);
    total += expressions.length;
    expressionCount += programs.length;
    for (const object of objects) {
      const values: Record<string, unknown> = {};
      const activation = { object, oldObject: null, request: toCelValue({ operation: 'CREATE' }), params: null, namespaceObject: null, variables: values };
      for (const [name, programs] of variablePrograms) {
        if (!programs) continue;
        const outcome = run(programs[1], activation);
        if ('value' in outcome) values[name] = outcome.value;
      }
      for (const p of programs) {
        assertSame(p, activation);
        compared++;
      }
    }
  }
  t.diagnostic(`${total} found, ${policies.length} policies`);
  assert.ok(expressionCount > 1000, `expressions compared: ${expressionCount}`);
  t.diagnostic(`${expressionCount} expressions, ${compared} evaluations compared`);
});
