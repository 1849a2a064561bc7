// The runtime cost budget: hostile objects and expressions end with CelCostLimitError instead of running away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CelCostLimitError, CelEnvironment, CostMeter, DEFAULT_COST_LIMIT } from '../../src/cel/index.js';

const env = new CelEnvironment({ variables: { object: 'dyn' } });

function podWith(containers: number) {
  return {
    spec: {
      containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, securityContext: { runAsNonRoot: true } })),
    },
  };
}

test('an ordinary rule over 10,000 containers fits the default budget', () => {
  const rule = env.compile('object.spec.containers.all(c, c.securityContext.runAsNonRoot == true)');
  const meter = new CostMeter();
  assert.equal(rule.evaluate({ object: podWith(10_000) }, { meter }), true);
  assert.ok(meter.cost > 10_000 && meter.cost < DEFAULT_COST_LIMIT, `cost ${meter.cost}`);
});

test('a nested comprehension over 10,000 containers exceeds the budget', () => {
  const rule = env.compile('object.spec.containers.all(a, object.spec.containers.exists(b, a.name == b.name))');
  assert.throws(
    () => rule.evaluate({ object: podWith(10_000) }),
    (e: unknown) => e instanceof CelCostLimitError && e.limit === DEFAULT_COST_LIMIT && e.position !== undefined,
  );
});

test('work on a 1 MB string inside a loop is charged by size', () => {
  const big = 'x'.repeat(1_000_000);
  const once = env.compile('object.s.contains("y")');
  assert.equal(once.evaluate({ object: { s: big, ...podWith(1) } }), false);
  const looped = env.compile('object.spec.containers.all(c, !object.s.contains(c.name))');
  assert.throws(() => looped.evaluate({ object: { s: big, ...podWith(100) } }), CelCostLimitError);
});

test('a cost error cannot be absorbed by || or a quantifier', () => {
  const rule = env.compile('object.spec.containers.exists(a, object.spec.containers.exists(b, a.name == b.name + "!")) || true');
  assert.throws(() => rule.evaluate({ object: podWith(3_000) }), CelCostLimitError);
});

test('the budget is configurable per environment and per evaluation', () => {
  const tight = new CelEnvironment({ variables: { object: 'dyn' }, costLimit: 50 });
  const rule = tight.compile('object.spec.containers.all(c, c.name != "")');
  assert.throws(() => rule.evaluate({ object: podWith(100) }), CelCostLimitError);
  assert.equal(rule.evaluate({ object: podWith(100) }, { costLimit: 10_000 }), true);
  assert.throws(() => env.compile('[1, 2, 3].map(x, x * 2)').evaluate({}, { costLimit: 3 }), CelCostLimitError);
});

test('lists.range and regex patterns are bounded', () => {
  assert.throws(() => env.compile('lists.range(100000000)').evaluate({}), /exceeds the limit/);
  assert.throws(() => env.compile('"a".matches(object.p)').evaluate({ object: { p: 'a'.repeat(20_000) } }), /longer than/);
});

test('deeply nested input values are rejected', () => {
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 200; i++) deep = (deep.x = {}) as Record<string, unknown>;
  assert.throws(() => env.compile('has(object.x)').evaluate({ object: root }), /nests deeper than/);
});
