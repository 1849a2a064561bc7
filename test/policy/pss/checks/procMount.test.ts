import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePodSecurity } from '../../../../src/policy/pss/evaluate.js';
import { container, outcome, spec } from '../support.js';

const unmasked = (extra: Record<string, unknown> = {}) =>
  spec({ containers: [container('app', { procMount: 'Unmasked' }), container('ok', { procMount: 'Default' })], ...extra });

test('procMount: Default or unset is allowed', () => {
  assert.equal(outcome('procMount', 'latest', spec({ containers: [container('app', { procMount: 'Default' })] })), 'allowed');
});

test('procMount: anything else is forbidden', () => {
  assert.equal(outcome('procMount', 'v1.0', unmasked()), 'procMount (container "app" must not set securityContext.procMount to "Unmasked")');
});

test('procMount: baseline relaxes for user-namespaced pods from v1.35 only', () => {
  assert.match(outcome('procMount', 'v1.34', unmasked({ hostUsers: false })), /^procMount/);
  assert.equal(outcome('procMount', 'v1.35', unmasked({ hostUsers: false })), 'allowed');
  assert.match(outcome('procMount', 'v1.35', unmasked({ hostUsers: true })), /^procMount/);
});

test('procMount_restricted: restricted keeps the mask for user-namespaced pods from v1.35 and replaces procMount', () => {
  assert.equal(outcome('procMount_restricted', 'v1.34', unmasked({ hostUsers: false })), 'absent');
  assert.equal(outcome('procMount_restricted', 'v1.35', unmasked({ hostUsers: false })),
    'procMount (container "app" must not set securityContext.procMount to "Unmasked")');
  const ids = (version: 'v1.34' | 'v1.35') => evaluatePodSecurity({ level: 'restricted', version }, {}, unmasked()).filter((r) => !r.allowed).map((r) => r.id);
  assert.deepEqual(ids('v1.34'), ['procMount']);
  assert.deepEqual(ids('v1.35'), ['procMount_restricted']);
});
