// Compiled code against the interpreter: for every expression and activation, the same value or the same
// error, and the same cost charged — including the cases where compiled code must hand over to the interpreter
// (errors CEL absorbs, values of unexpected types, budgets exceeded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CelCostLimitError, CelEnvironment, CostMeter, type CelProgram } from '../../../src/cel/index.js';

const declarations = { variables: { object: 'dyn', names: 'list<string>', n: 'int' } };
const compiledEnv = new CelEnvironment(declarations);
const interpretedEnv = new CelEnvironment({ ...declarations, compiled: false });

const pod = {
  spec: {
    hostNetwork: false,
    securityContext: { runAsUser: 1000, seLinuxOptions: { type: 'container_t' }, sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] },
    containers: [
      { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 8080 }], securityContext: { privileged: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } },
      { name: 'sidecar', image: 'envoy', securityContext: { privileged: true, procMount: 'Unmasked', runAsUser: 0 } },
    ],
    initContainers: [{ name: 'init', image: 'busybox' }],
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'host', hostPath: { path: '/' } }],
  },
  metadata: { labels: { app: 'web', tier: '1' }, annotations: {} },
  mixed: [1, 'a', 2.5, null, true, { k: 'v' }],
  nested: [[1, 2], [3]],
  text: 'héllo wörld',
};

const activations: Record<string, unknown>[] = [
  { object: pod, names: ['a', 'b'], n: 3 },
  { object: { spec: { containers: [] } }, names: [], n: 0 },
  { object: { spec: {} }, names: ['x'], n: -1 },
  { object: null, names: ['a'], n: 1 },
  { object: 'just a string', names: ['a'], n: 1 },
];

const expressions = [
  // selections, optional chains, presence
  'object.spec.containers[0].name',
  'object.spec.containers[1].securityContext.privileged',
  'object.spec.containers[5].name',
  'object.spec.containers[-1].name',
  'object.spec.missing',
  'object.spec.missing.deeper',
  'object.spec.?securityContext.?runAsUser.orValue(1) > 0',
  'object.spec.?securityContext.?seLinuxOptions.?type.orValue("")',
  'object.?spec.?containers.orValue([]).size()',
  'object.spec.?nope.?deeper.orValue("default")',
  'object.spec.?containers',
  'object.spec.?containers.hasValue()',
  'object.spec.?nope.or(optional.of(1))',
  'object.spec.?nope.or(object.spec.?hostNetwork)',
  'object.spec.hostNetwork.orValue(true)',
  'object.text.?size',
  'object.spec.containers.?name.orValue("none")',
  'has(object.spec.volumes)',
  'has(object.spec.nope)',
  'has(object.spec.nope.deeper)',
  'has(object.spec.?nope.deeper)',
  'has(object.spec.securityContext.seLinuxOptions.type)',
  'has(object.mixed.x)',
  'has(object.text.x)',
  // logic and its error absorption
  '!(object.spec.?hostNetwork.orValue(false) || object.spec.?hostIPC.orValue(false))',
  'object.spec.missing || true',
  'object.spec.missing && false',
  'true || object.spec.missing',
  'object.spec.missing || false',
  'object.text == "x" ? 1 : 2',
  'object.spec.missing ? 1 : 2',
  '!object.text',
  '-n',
  '-object.spec.securityContext.runAsUser',
  // operators with fast paths and with mixed types
  'object.spec.containers[0].name == "app"',
  'object.spec.containers[0].name != "app"',
  'object.spec.securityContext.runAsUser == 1000',
  'object.spec.securityContext.runAsUser == 1000.0',
  'object.spec.securityContext.runAsUser > 999',
  'object.spec.securityContext.runAsUser >= 1000.5',
  'object.text < "z"',
  'object.mixed[0] == object.mixed[1]',
  'object.mixed == object.mixed',
  '"a" in names',
  '"a" in object.mixed',
  '1 in object.mixed',
  '"app" in object.metadata.labels',
  'object.text in names',
  'object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([])',
  '[] + object.spec.containers',
  '[] + []',
  '[1.0] + [] + object.mixed',
  'type(object.mixed + [])',
  'object.text + "!"',
  'n + 1',
  'n * 9223372036854775807',
  'n / 0',
  'object.spec.securityContext.runAsUser % 7',
  // comprehensions
  'object.spec.containers.all(c, c.?securityContext.?privileged.orValue(false) == false)',
  'object.spec.containers.exists(c, c.name == "sidecar")',
  'object.spec.containers.exists_one(c, c.image.startsWith("nginx"))',
  'object.spec.containers.map(c, c.name)',
  'object.spec.containers.map(c, c.name.startsWith("s"), c.image)',
  'object.spec.containers.filter(c, has(c.securityContext))',
  'object.spec.containers.all(c, c.securityContext.capabilities.add.all(a, a == "NET_BIND_SERVICE"))',
  'object.spec.containers.exists(c, c.securityContext.capabilities.add.exists(a, a == "NET_BIND_SERVICE"))',
  'object.spec.containers.all(c, c.ports.all(p, p.containerPort > 0))',
  'object.metadata.labels.all(k, k.size() < 10)',
  'object.metadata.labels.exists(k, object.metadata.labels[k] == "web")',
  'object.mixed.all(x, x != null)',
  'object.nested.all(l, l.all(x, x > 0))',
  'names.all(s, s.size() == 1)',
  'object.text.all(c, true)',
  '[1, 2, 3].map(x, x * 2).filter(x, x > 2)',
  '!has(object.spec.volumes) || object.spec.volumes.all(v, has(v.configMap) || has(v.emptyDir) || has(v.secret))',
  'object.spec.?securityContext.?sysctls.orValue([]).all(s, s.?name.orValue("") in ["kernel.shm_rmid_forced"])',
  'object.spec.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).size() == 0 || (c.securityContext.capabilities.add.orValue([]).size() == 1 && c.securityContext.capabilities.add[0] == "NET_BIND_SERVICE"))',
  // functions delegated to their handlers
  'size(object.spec.containers)',
  'object.text.size()',
  'size(object.text)',
  'object.metadata.labels.size()',
  'object.spec.containers[0].image.split(":")',
  'object.spec.containers.map(c, c.image).join(",")',
  'int(object.metadata.labels.tier) + 1',
  'string(object.spec.securityContext.runAsUser)',
  'object.spec.containers[0].name.matches("^a.*$")',
  'type(object.spec) == map',
  '[]',
  '["a", object.text]',
  'n',
];

function outcome(program: CelProgram, activation: Record<string, unknown>, limit?: number) {
  const meter = new CostMeter(limit);
  try {
    return { value: program.evaluate(activation, { meter }), cost: meter.cost };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}`, cost: meter.cost };
  }
}

test('compiled code gives the interpreter’s value or error and charges the same cost', () => {
  let compared = 0;
  for (const expression of expressions) {
    const compiled = compiledEnv.compile(expression);
    const interpreted = interpretedEnv.compile(expression);
    assert.equal(interpreted.compiled, false);
    for (const [i, activation] of activations.entries()) {
      assert.deepEqual(outcome(compiled, activation), outcome(interpreted, activation), `${expression} on activation ${i}`);
      compared++;
    }
  }
  assert.equal(compared, expressions.length * activations.length);
});

test('expressions of the pod-security policies compile', () => {
  for (const expression of [
    'object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([])',
    'object.spec.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a == "" || a in names))',
    '!has(object.spec.volumes) || object.spec.volumes.all(v, has(v.configMap) || has(v.csi))',
    'object.spec.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists_one(x, x == "ALL"))',
  ]) {
    assert.equal(compiledEnv.compile(expression).compiled, true, expression);
  }
});

test('what the compiler does not handle is interpreted', () => {
  for (const expression of ['{"a": 1}', 'cel.bind(x, 1, x + 1)', 'object.spec.containers.all(i, c, c.name != "")', 'object.spec.?containers[?0]']) {
    const program = compiledEnv.compile(expression);
    assert.equal(program.compiled, false, expression);
    assert.deepEqual(outcome(program, activations[0]!), outcome(interpretedEnv.compile(expression), activations[0]!), expression);
  }
});

test('a budget exceeded inside a compiled loop ends with the interpreter’s cost error', () => {
  const containers = Array.from({ length: 2_000 }, (_, i) => ({ name: `c${i}` }));
  const expression = 'object.spec.containers.exists(a, object.spec.containers.exists(b, a.name == b.name + "!"))';
  const activation = { object: { spec: { containers } }, names: [], n: 0 };
  const compiled = outcome(compiledEnv.compile(expression), activation, 100_000);
  const interpreted = outcome(interpretedEnv.compile(expression), activation, 100_000);
  assert.match(compiled.error ?? '', new RegExp(CelCostLimitError.name));
  assert.deepEqual(compiled, interpreted);
});

test('a shared meter is charged the same across several compiled evaluations', () => {
  const programs = expressions.slice(0, 20);
  const run = (env: CelEnvironment) => {
    const meter = new CostMeter();
    for (const expression of programs) {
      try {
        env.compile(expression).evaluate(activations[0]!, { meter });
      } catch {
        // errors are compared above; here only the running total matters
      }
    }
    return meter.cost;
  };
  assert.equal(run(compiledEnv), run(interpretedEnv));
});
