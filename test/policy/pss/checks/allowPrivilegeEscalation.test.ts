import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

test('allowPrivilegeEscalation: in force from v1.8', () => {
  const pod = spec({ containers: [container('app', { allowPrivilegeEscalation: true })] });
  assert.equal(outcome('allowPrivilegeEscalation', 'v1.7', pod), 'absent');
  assert.equal(outcome('allowPrivilegeEscalation', 'v1.8', pod),
    'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)');
});

test('allowPrivilegeEscalation: must be explicitly false on every container', () => {
  assert.equal(outcome('allowPrivilegeEscalation', 'latest', spec()), 'allowed');
  const pod = spec({ containers: [{ name: 'unset' }, container('string', { allowPrivilegeEscalation: 'false' })], ephemeralContainers: [{ name: 'debug', securityContext: {} }] });
  assert.equal(outcome('allowPrivilegeEscalation', 'latest', pod),
    'allowPrivilegeEscalation != false (containers "unset", "string", "debug" must set securityContext.allowPrivilegeEscalation=false)');
});

test('allowPrivilegeEscalation: Windows pods are exempt from v1.25', () => {
  const windows = spec({ os: { name: 'windows' }, containers: [{ name: 'app' }] });
  assert.match(outcome('allowPrivilegeEscalation', 'v1.24', windows), /^allowPrivilegeEscalation/);
  assert.equal(outcome('allowPrivilegeEscalation', 'v1.25', windows), 'allowed');
  assert.match(outcome('allowPrivilegeEscalation', 'latest', spec({ os: { name: 'linux' }, containers: [{ name: 'app' }] })), /^allowPrivilegeEscalation/);
});
