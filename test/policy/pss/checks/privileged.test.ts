import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

test('privileged: allowed when unset or false', () => {
  assert.equal(outcome('privileged', 'latest', spec()), 'allowed');
  assert.equal(outcome('privileged', 'v1.0', spec({ containers: [container('app', { privileged: false })] })), 'allowed');
});

test('privileged: forbidden in containers, init and ephemeral containers, listed in PSA order', () => {
  const pod = spec({
    initContainers: [container('init', { privileged: true })],
    containers: [container('a', { privileged: true }), container('b')],
    ephemeralContainers: [container('debug', { privileged: true })],
  });
  assert.equal(outcome('privileged', 'latest', pod),
    'privileged (containers "init", "a", "debug" must not set securityContext.privileged=true)');
  assert.equal(outcome('privileged', 'v1.0', spec({ containers: [container('app', { privileged: true })] })),
    'privileged (container "app" must not set securityContext.privileged=true)');
});

test('privileged: a non-boolean value fails closed', () => {
  assert.match(outcome('privileged', 'latest', spec({ containers: [container('app', { privileged: 'true' })] })), /^privileged/);
});
