import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePodSecurity } from '../../../../src/policy/pss/evaluate.js';
import { container, outcome, spec } from '../support.js';

const withCaps = (capabilities: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  spec({ containers: [container('app', { capabilities })], ...extra });

test('capabilities_baseline: the default set may be added', () => {
  assert.equal(outcome('capabilities_baseline', 'latest', withCaps({ add: ['CHOWN', 'NET_BIND_SERVICE', 'SYS_CHROOT'] })), 'allowed');
});

test('capabilities_baseline: names compare exactly, without case folding or CAP_ prefix', () => {
  assert.equal(outcome('capabilities_baseline', 'v1.0', withCaps({ add: ['NET_RAW', 'chown', 'CAP_CHOWN', 'NET_RAW'] })),
    'non-default capabilities (container "app" must not include "CAP_CHOWN", "NET_RAW", "chown" in securityContext.capabilities.add)');
});

test('capabilities_restricted: in force from v1.22 and replaces the baseline check', () => {
  const pod = withCaps({ add: ['SYS_ADMIN'] });
  assert.equal(outcome('capabilities_restricted', 'v1.21', pod), 'absent');
  const failing = (version: 'v1.21' | 'v1.22') =>
    evaluatePodSecurity({ level: 'restricted', version }, {}, pod).filter((r) => !r.allowed).map((r) => r.id);
  assert.deepEqual(failing('v1.21'), ['capabilities_baseline']);
  assert.deepEqual(failing('v1.22'), ['capabilities_restricted']);
});

test('capabilities_restricted: must drop exactly ALL and may add only NET_BIND_SERVICE', () => {
  assert.equal(outcome('capabilities_restricted', 'latest', withCaps({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] })), 'allowed');
  const pod = spec({
    initContainers: [{ name: 'bare' }],
    containers: [container('lower', { capabilities: { drop: ['all'] } }), container('adds', { capabilities: { drop: ['ALL'], add: ['CHOWN', 'NET_RAW'] } })],
  });
  assert.equal(outcome('capabilities_restricted', 'latest', pod),
    'unrestricted capabilities (containers "bare", "lower" must set securityContext.capabilities.drop=["ALL"]; ' +
    'container "adds" must not include "CHOWN", "NET_RAW" in securityContext.capabilities.add)');
});

test('capabilities_restricted: Windows pods are exempt from v1.25', () => {
  const windows = withCaps({}, { os: { name: 'windows' } });
  assert.match(outcome('capabilities_restricted', 'v1.24', windows), /^unrestricted capabilities/);
  assert.equal(outcome('capabilities_restricted', 'v1.25', windows), 'allowed');
});
