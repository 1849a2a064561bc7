import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

test('runAsNonRoot: true on the pod covers every container; containers may also set it themselves', () => {
  assert.equal(outcome('runAsNonRoot', 'v1.0', spec()), 'allowed');
  const perContainer = spec({ securityContext: {}, initContainers: [container('init', { runAsNonRoot: true })], containers: [container('app', { runAsNonRoot: true })] });
  assert.equal(outcome('runAsNonRoot', 'latest', perContainer), 'allowed');
});

test('runAsNonRoot: containers not covered by the pod must set it', () => {
  const pod = spec({ securityContext: {}, containers: [container('app'), container('ok', { runAsNonRoot: true })] });
  assert.equal(outcome('runAsNonRoot', 'latest', pod), 'runAsNonRoot != true (pod or containers "init", "app" must set securityContext.runAsNonRoot=true)');
});

test('runAsNonRoot: explicit false on pod or container is reported as such', () => {
  const pod = spec({ securityContext: { runAsNonRoot: false }, containers: [container('app', { runAsNonRoot: false })] });
  assert.equal(outcome('runAsNonRoot', 'latest', pod), 'runAsNonRoot != true (pod and container "app" must not set securityContext.runAsNonRoot=false)');
});

test('runAsNonRoot: user-namespaced pods are exempt from v1.35', () => {
  const pod = spec({ securityContext: {}, hostUsers: false });
  assert.match(outcome('runAsNonRoot', 'v1.34', pod), /^runAsNonRoot != true/);
  assert.equal(outcome('runAsNonRoot', 'v1.35', pod), 'allowed');
});
