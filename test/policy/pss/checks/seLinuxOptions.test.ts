import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

const withPodOptions = (seLinuxOptions: Record<string, unknown>) =>
  spec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, seLinuxOptions } });

test('seLinuxOptions: container types and a level are allowed', () => {
  assert.equal(outcome('seLinuxOptions', 'latest', withPodOptions({ type: 'container_t', level: 's0:c123,c456' })), 'allowed');
  assert.equal(outcome('seLinuxOptions', 'v1.0', withPodOptions({ type: 'container_kvm_t' })), 'allowed');
});

test('seLinuxOptions: container_engine_t is allowed from v1.31', () => {
  const pod = withPodOptions({ type: 'container_engine_t' });
  assert.equal(outcome('seLinuxOptions', 'v1.30', pod), 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "container_engine_t")');
  assert.equal(outcome('seLinuxOptions', 'v1.31', pod), 'allowed');
});

test('seLinuxOptions: user and role are reported even without a bad type', () => {
  assert.equal(outcome('seLinuxOptions', 'latest', withPodOptions({ user: 'system_u', role: 'system_r' })),
    'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set)');
});

test('seLinuxOptions: pod and containers with several bad types', () => {
  const pod = spec({
    securityContext: { runAsNonRoot: true, seLinuxOptions: { type: 'spc_t' } },
    containers: [container('a', { seLinuxOptions: { type: 'unconfined_t', user: 'u' } }), container('b', { seLinuxOptions: { type: 'container_t' } })],
  });
  assert.equal(outcome('seLinuxOptions', 'latest', pod),
    'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: types "spc_t", "unconfined_t"; user may not be set)');
});
