import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bindActivation, CelCompileError, CelCostLimitError, CelEnvironment, CelEvaluationError, compileExpression, CostMeter, LazyVariables, toCelValue, type CelProgram,
} from '../../src/cel/index.js';
import { evalCel } from './support.js';

const deployment = { spec: { replicas: 5, ratio: 0.5, template: { spec: { containers: [{ name: 'a' }], hostNetwork: null } } } };

test('JSON integers are CEL ints and doubles stay doubles', () => {
  assert.equal(evalCel('object.spec.replicas > 3', { object: deployment }), true);
  assert.equal(evalCel('object.spec.replicas + 1', { object: deployment }), 6);
  assert.equal(evalCel('object.spec.replicas * 2 == 10', { object: deployment }), true);
  assert.equal(evalCel('object.spec.ratio * 2.0', { object: deployment }), 1);
  assert.equal(evalCel('size(object.spec.template.spec.containers) == 1', { object: deployment }), true);
  assert.equal(evalCel('type(object.spec.replicas) == int', { object: deployment }), true);
});

test('null fields are absent: has() is false and selecting them is a no-such-key error', () => {
  assert.equal(evalCel('has(object.spec.template.spec.hostNetwork)', { object: deployment }), false);
  assert.throws(() => evalCel('object.spec.template.spec.hostNetwork', { object: deployment }), /No such key: hostNetwork/);
  assert.equal(evalCel('object.spec.template.spec.?hostNetwork.orValue(false)', { object: deployment }), false);
  assert.equal(evalCel('oldObject == null', { oldObject: null }), true);
});

test('unknown fields raise errors naming the key and position', () => {
  assert.throws(
    () => evalCel('object.spec.missing == 1', { object: deployment }),
    (e: unknown) => e instanceof CelEvaluationError && e.position?.line === 1 && e.position.column === 13 && /No such key: missing/.test(e.message),
  );
});

test('compile errors carry line:column and a caret line', () => {
  assert.throws(
    () => compileExpression('object.a &&\n  object.b +', { variables: { object: 'dyn' } }),
    (e: unknown) => e instanceof CelCompileError && e.position?.line === 2 && /^2:\d+: /.test(e.message) && e.message.includes('^'),
  );
  assert.throws(() => compileExpression('nope > 1'), (e: unknown) => e instanceof CelCompileError && /Unknown variable: nope/.test(e.message));
  assert.throws(() => compileExpression('"a".noSuchFunction()'), CelCompileError);
});

test('compile-time bounds on length and nesting', () => {
  assert.throws(() => compileExpression('1 + '.repeat(40_000) + '1'), /characters long; the limit is/);
  assert.throws(() => compileExpression('['.repeat(200) + ']'.repeat(200)), CelCompileError);
});

test('results are JSON-like', () => {
  assert.deepEqual(evalCel('{"a": [1, 2.5, "x"], "b": optional.none().orValue(3)}'), { a: [1, 2.5, 'x'], b: 3 });
  assert.equal(evalCel('optional.none()'), undefined);
  assert.equal(evalCel('timestamp("2024-01-02T03:04:05Z")'), '2024-01-02T03:04:05.000Z');
  assert.equal(evalCel('duration("90m")'), '5400s');
  assert.equal(evalCel('9223372036854775807'), 9223372036854775807n);
});

test('macros and optionals', () => {
  const pod = { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }, { name: 'b' }] } };
  assert.equal(evalCel('object.spec.containers.all(c, c.name.size() == 1)', { object: pod }), true);
  assert.equal(evalCel('object.spec.containers.exists(c, has(c.ports))', { object: pod }), true);
  assert.equal(evalCel('object.spec.containers.exists_one(c, c.name == "b")', { object: pod }), true);
  assert.deepEqual(evalCel('object.spec.containers.map(c, c.name)', { object: pod }), ['a', 'b']);
  assert.deepEqual(evalCel('object.spec.containers.filter(c, !has(c.ports)).map(c, c.name)', { object: pod }), ['b']);
  assert.equal(evalCel('object.spec.containers[0].?ports[?0].?containerPort.orValue(0)', { object: pod }), 80);
  assert.equal(evalCel('object.spec.containers[1].?ports[?0].?containerPort.orValue(0)', { object: pod }), 0);
  assert.equal(evalCel('optional.of(1).hasValue() && optional.of(2).value() == 2'), true);
  assert.equal(evalCel('cel.bind(n, 3, n * n)'), 9);
});

test('two-variable comprehensions', () => {
  assert.equal(evalCel('[10, 20].all(i, v, v > i)'), true);
  assert.equal(evalCel('{"a": 1, "b": 2}.exists(k, v, k == "b" && v == 2)'), true);
  assert.equal(evalCel('[1, 2, 2].existsOne(i, v, v == 1)'), true);
  assert.deepEqual(evalCel('[1, 2, 3].transformList(i, v, i > 0, v * 10)'), [20, 30]);
  assert.deepEqual(evalCel('{"a": 1}.transformMap(k, v, v + 1)'), { a: 2 });
  assert.deepEqual(evalCel('{"a": "x"}.transformMapEntry(k, v, {v: k})'), { x: 'a' });
  assert.throws(() => evalCel('[1, 2].transformMapEntry(i, v, {"same": v})'), /duplicate key/);
});

test('lazy variables are evaluated once, in order of use, and share the budget', () => {
  const vars = new LazyVariables(['names', 'count', 'broken', 'loop']);
  const env = new CelEnvironment({ variables: { object: 'dyn', variables: vars.typeName }, libraries: [vars.library] });
  const evaluated: string[] = [];
  const counted = (name: string, program: CelProgram): CelProgram => ({
    ...program,
    evaluate(activation, options) {
      evaluated.push(name);
      return program.evaluate(activation, options);
    },
  });
  vars.define('names', counted('names', env.compile('object.items.map(i, i.name)')));
  vars.define('count', counted('count', env.compile('size(variables.names)')));
  vars.define('broken', counted('broken', env.compile('object.missing')));
  vars.define('loop', env.compile('variables.loop'));
  const meter = new CostMeter(1000);
  const activation = bindActivation<Record<string, unknown>>({ object: toCelValue({ items: [{ name: 'x' }, { name: 'y' }] }) }, meter);
  activation.variables = vars.bind(activation);
  const rule = env.compile('variables.count == 2 && variables.names[0] == "x" && variables.count > 1');
  assert.equal(rule.evaluate(activation), true);
  assert.deepEqual(evaluated, ['count', 'names']);
  assert.ok(meter.cost > 0);
  // An erroring variable fails only the expressions that use it, each time with its own error, evaluated once.
  assert.throws(() => env.compile('variables.broken == 1').evaluate(activation), /No such key: missing/);
  assert.throws(() => env.compile('variables.broken == 2').evaluate(activation), /No such key: missing/);
  assert.deepEqual(evaluated, ['count', 'names', 'broken']);
  assert.throws(() => env.compile('variables.loop').evaluate(activation), /refers to itself/);
  // Names are checked at compile time.
  assert.throws(() => env.compile('variables.nope'), CelCompileError);
  assert.throws(() => new LazyVariables(['a', 'a']), /defined twice/);
});

test('custom libraries extend the environment without touching it', () => {
  class Image {
    constructor(readonly ref: string) {}
  }
  const env = new CelEnvironment({
    variables: { object: 'dyn' },
    libraries: [
      {
        name: 'test.images',
        types: [{ name: 'test.Image', ctor: Image }],
        functions: [
          { signature: 'image(string): test.Image', handler: (s: string) => new Image(s) },
          { signature: 'test.Image.registry(): string', handler: (i: Image) => i.ref.split('/')[0] },
        ],
      },
    ],
  });
  assert.equal(env.compile('image(object.image).registry()').evaluate({ object: { image: 'ghcr.io/x/y:1' } }), 'ghcr.io');
  // Other environments are unaffected.
  assert.throws(() => compileExpression('image("x")'), CelCompileError);
});

test('or and orValue return a receiver that is not optional unchanged, as cel-go does', () => {
  const pod = { spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }] } };
  assert.equal(evalCel('object.spec.containers[0].securityContext.capabilities.add.orValue([]).size()', { object: pod }), 1);
  assert.equal(evalCel('object.spec.containers[0].name.or(optional.of("b"))', { object: pod }), 'a');
  assert.equal(evalCel('object.spec.?missing.orValue(7)', { object: pod }), 7);
  assert.equal(evalCel('object.spec.?missing.or(optional.of(8)).value()', { object: pod }), 8);
  // The receiver still has to be optional when its type is known.
  assert.throws(() => compileExpression('[1].orValue([])'), CelCompileError);
});

test('an expression without variables is evaluated once; every evaluation is charged its cost', () => {
  const env = new CelEnvironment({ variables: { object: 'dyn' } });
  const constant = env.compile('["a", "b", "c"].map(x, x + "!")');
  const first = new CostMeter();
  assert.deepEqual(constant.evaluate({}, { meter: first }), ['a!', 'b!', 'c!']);
  const second = new CostMeter();
  assert.deepEqual(constant.evaluate({}, { meter: second }), ['a!', 'b!', 'c!']);
  assert.ok(first.cost > 0);
  assert.equal(second.cost, first.cost);
  assert.throws(() => constant.evaluate({}, { costLimit: first.cost - 1 }), CelCostLimitError);
  const failing = env.compile('1 / 0 == 1');
  assert.throws(() => failing.evaluate(), /division by zero/);
  assert.throws(() => failing.evaluate(), /division by zero/);
  assert.deepEqual([...env.compile('object.items.all(i, i > 0)').variables], ['object']);
});

test('shared variables are computed once for all bindings with the same SharedValues, and charged to each', () => {
  const env = (vars: LazyVariables) => new CelEnvironment({ variables: { object: 'dyn', variables: vars.typeName }, libraries: [vars.library] });
  const shared = new Map();
  const object = toCelValue({ items: [1, 2, 3] });
  let evaluations = 0;
  const costs: number[] = [];
  for (let i = 0; i < 2; i++) {
    const vars = new LazyVariables(['doubled', 'broken']);
    const e = env(vars);
    const doubled = e.compile('object.items.map(x, x * 2)');
    vars.define('doubled', { ...doubled, evaluate: (a, o) => (evaluations++, doubled.evaluate(a, o)) }, { shareAs: 'doubled' });
    vars.define('broken', e.compile('object.nope'), { shareAs: 'broken' });
    const meter = new CostMeter();
    const context = bindActivation<Record<string, unknown>>({ object }, meter);
    context.variables = vars.bind(context, shared);
    assert.deepEqual(e.compile('variables.doubled').evaluate(context), [2, 4, 6]);
    assert.throws(() => e.compile('variables.broken').evaluate(context), /No such key: nope/);
    costs.push(meter.cost);
  }
  assert.equal(evaluations, 1);
  assert.equal(costs[0], costs[1], 'a reused value costs what computing it cost');
  assert.deepEqual([...shared.keys()], ['doubled'], 'errors are not shared');
});

test('has() accepts any expression before its selection, as the CEL spec does', () => {
  const object = { items: [{ x: 1 }, {}], m: { n: { o: 1 } } };
  assert.equal(evalCel('has({"a": 1}.a) && !has({"a": 1}.b)'), true);
  assert.equal(evalCel('has(object.items[0].x) && !has(object.items[1].x)', { object }), true);
  assert.equal(evalCel('has(object.m.?n.o)', { object }), true);
  assert.equal(evalCel('has(object.items.filter(i, has(i.x))[0].x)', { object }), true);
  assert.throws(() => evalCel('has(object.nope.x)', { object }), /No such key: nope/);
  assert.throws(() => compileExpression('has(object)', { variables: { object: 'dyn' } }), /has\(\) invalid argument/);
});

test('expressions using a volatile library are evaluated every time', () => {
  class Counter {
    n = 0;
  }
  const counter = {
    name: 'test.counter',
    volatile: true,
    types: [{ name: 'test.Counter', ctor: Counter }],
    constants: [{ name: 'counter', type: 'test.Counter', value: new Counter() }],
    functions: [{ signature: 'test.Counter.next(): int', handler: (c: Counter) => BigInt(++c.n) }],
  };
  const env = new CelEnvironment({ libraries: [counter] });
  const next = env.compile('counter.next()');
  assert.deepEqual([next.evaluate(), next.evaluate()], [1, 2]);
});
