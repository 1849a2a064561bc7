import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOperationsHandler } from '../../src/server/operations.js';
import { createMetricsRegistry } from '../../src/server/metrics.js';

test('readiness: every check must pass; draining for shutdown turns it off; a throwing check fails', () => {
  let keys = true;
  const ops = createOperationsHandler({ registry: createMetricsRegistry(), checks: { keys: () => keys } });
  assert.equal(ops.isReady(), true);
  keys = false;
  assert.equal(ops.isReady(), false);
  keys = true;
  ops.setDraining();
  assert.equal(ops.isReady(), false);
  const broken = createOperationsHandler({ registry: createMetricsRegistry(), checks: { x: () => { throw new Error('boom'); } } });
  assert.equal(broken.isReady(), false);
});
