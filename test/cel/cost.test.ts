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

test('asynchronous evaluations charge their own meters, also after awaiting', async () => {
  const slow = {
    name: 'test.slow',
    functions: [{ signature: 'slowList(int): list<int>', handler: async (n: bigint) => Array.from({ length: Number(n) }, (_, i) => BigInt(i)) }],
  };
  const asyncEnv = new CelEnvironment({ variables: { object: 'dyn' }, libraries: [slow] });
  const rule = asyncEnv.compile('slowList(50).all(x, x >= 0) && object.spec.containers.all(c, c.name != "")');
  const alone = new CostMeter();
  assert.equal(await rule.evaluate({ object: podWith(10) }, { meter: alone }), true);
  const [a, b] = [new CostMeter(), new CostMeter()];
  const both = [rule.evaluate({ object: podWith(10) }, { meter: a }), rule.evaluate({ object: podWith(10) }, { meter: b })];
  // A synchronous evaluation in between must not receive their charges.
  const sync = new CostMeter();
  env.compile('object.spec.containers.all(c, c.name != "")').evaluate({ object: podWith(10) }, { meter: sync });
  assert.deepEqual(await Promise.all(both), [true, true]);
  assert.equal(a.cost, alone.cost);
  assert.equal(b.cost, alone.cost);
  assert.ok(sync.cost < alone.cost);
  assert.ok(alone.cost > 50);
});
