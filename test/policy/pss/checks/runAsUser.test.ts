import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

test('runAsUser: in force from v1.23; non-zero or unset UIDs pass', () => {
  const root = spec({ containers: [container('app', { runAsUser: 0 })] });
  assert.equal(outcome('runAsUser', 'v1.22', root), 'absent');
  assert.equal(outcome('runAsUser', 'v1.23', root), 'runAsUser=0 (container "app" must not set runAsUser=0)');
  assert.equal(outcome('runAsUser', 'latest', spec({ containers: [container('app', { runAsUser: 1000 })] })), 'allowed');
});

test('runAsUser: pod and containers setting UID 0 are named', () => {
  const pod = spec({ securityContext: { runAsNonRoot: true, runAsUser: 0 }, containers: [container('a', { runAsUser: 0 }), container('b', { runAsUser: '0' })] });
  assert.equal(outcome('runAsUser', 'latest', pod), 'runAsUser=0 (pod and containers "a", "b" must not set runAsUser=0)');
});

test('runAsUser: user-namespaced pods are exempt from v1.35', () => {
  const pod = spec({ hostUsers: false, containers: [container('app', { runAsUser: 0 })] });
  assert.match(outcome('runAsUser', 'v1.34', pod), /^runAsUser=0/);
  assert.equal(outcome('runAsUser', 'v1.35', pod), 'allowed');
});
