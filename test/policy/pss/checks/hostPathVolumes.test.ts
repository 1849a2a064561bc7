import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PSS_REGISTRY } from '../../../../src/policy/pss/evaluate.js';
import { outcome, spec } from '../support.js';

test('hostPathVolumes: allowed without hostPath volumes', () => {
  assert.equal(outcome('hostPathVolumes', 'latest', spec({ volumes: [{ name: 'tmp', emptyDir: {} }] })), 'allowed');
});

test('hostPathVolumes: names each hostPath volume', () => {
  assert.equal(outcome('hostPathVolumes', 'latest', spec({ volumes: [{ name: 'data', hostPath: { path: '/var/lib' } }] })),
    'hostPath volumes (volume "data")');
  assert.equal(outcome('hostPathVolumes', 'v1.0', spec({ volumes: [
    { name: 'a', hostPath: { path: '/' } }, { name: 'ok', secret: { secretName: 's' } }, { name: 'b', hostPath: {} },
  ] })), 'hostPath volumes (volumes "a", "b")');
});

test('hostPathVolumes: replaced by restrictedVolumes at the restricted level', () => {
  for (const minor of [0, 25, PSS_REGISTRY.maxMinor]) {
    const ids = PSS_REGISTRY.checksAt('restricted', minor).map((c) => c.info.id);
    assert.ok(!ids.includes('hostPathVolumes') && ids.includes('restrictedVolumes'));
    assert.ok(PSS_REGISTRY.checksAt('baseline', minor).some((c) => c.info.id === 'hostPathVolumes'));
  }
});
