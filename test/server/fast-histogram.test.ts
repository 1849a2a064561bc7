// The request-path histogram must print, and aggregate across worker processes, exactly as prom-client's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { FastHistogram } from '../../src/server/fast-histogram.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const OPTIONS = { name: 'gatehouse_test_seconds', help: 'Time "taken"\\n by a test.', labelNames: ['policy', 'webhook'] as const, buckets: BUCKETS };

/** Observations on bucket bounds, between them, above every bound, and for a label value that needs escaping. */
const OBSERVATIONS: [string, string, number][] = [
  ['pss', 'validate', 0.0005], ['pss', 'validate', 0.0003], ['pss', 'validate', 0.0007], ['pss', 'validate', 12],
  ['disallow "caps"\n\\', 'validate', 0.02], ['pss', 'mutate', 0], ['pss', 'validate', 10], ['pss', 'validate', 2.5000001],
];

function registries(): { prom: Registry; fast: Registry } {
  const prom = new Registry();
  const fast = new Registry();
  const reference = new Histogram({ ...OPTIONS, labelNames: [...OPTIONS.labelNames], registers: [prom] });
  const subject = new FastHistogram({ ...OPTIONS, registers: [fast] });
  for (const [policy, webhook, value] of OBSERVATIONS) {
    reference.labels(policy, webhook).observe(value);
    subject.labels(policy, webhook).observe(value);
  }
  return { prom, fast };
}

test('prints the same exposition as a prom-client Histogram', async () => {
  const { prom, fast } = registries();
  const expected = await prom.metrics();
  assert.match(expected, /gatehouse_test_seconds_bucket\{le="\+Inf",policy="pss",webhook="validate"\} 6/);
  assert.equal(await fast.metrics(), expected);
});

test('aggregates across worker registries as a prom-client Histogram does', async () => {
  const prom = [registries().prom, registries().prom];
  const fast = [registries().fast, registries().fast];
  const aggregate = async (regs: Registry[]) => AggregatorRegistry.aggregate(await Promise.all(regs.map((r) => r.getMetricsAsJSON()))).metrics();
  const expected = await aggregate(prom);
  assert.match(expected, /gatehouse_test_seconds_count\{policy="pss",webhook="validate"\} 12/);
  assert.equal(await aggregate(fast), expected);
});

test('a child found again by the same label values records into the same series', async () => {
  const registry = new Registry();
  const histogram = new FastHistogram({ ...OPTIONS, registers: [registry] });
  histogram.labels('a', 'b').observe(0.001);
  histogram.labels('a', 'b').observe(0.001);
  assert.match(await registry.metrics(), /gatehouse_test_seconds_count\{policy="a",webhook="b"\} 2\n/);
  histogram.reset();
  assert.match(await registry.metrics(), /gatehouse_test_seconds_count\{policy="a",webhook="b"\} 0\n/);
});

test('refuses what prom-client refuses', () => {
  const histogram = new FastHistogram({ ...OPTIONS, registers: [] });
  assert.throws(() => histogram.labels('only one'), /expected 2 label values, got 1/);
  assert.throws(() => histogram.labels('a', 'b').observe(Number.NaN), TypeError);
  assert.throws(() => new FastHistogram({ ...OPTIONS, buckets: [1, 0.5], registers: [] }), /strictly ascending/);
  assert.throws(() => new FastHistogram({ ...OPTIONS, registers: [new Registry(), new Registry()].map((r) => (r.registerMetric(new Histogram({ ...OPTIONS, labelNames: [...OPTIONS.labelNames], registers: [] })), r)) }), /already been registered/);
});
