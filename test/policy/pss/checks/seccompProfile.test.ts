import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePodSecurity } from '../../../../src/policy/pss/evaluate.js';
import { container, outcome, spec } from '../support.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';
const noPodSeccomp = (extra: Record<string, unknown> = {}) => spec({ securityContext: { runAsNonRoot: true }, ...extra });

test('seccompProfile_baseline: before v1.19 only the alpha annotations count', () => {
  const annotations = { [POD_ANNOTATION]: 'unconfined', [`${CONTAINER_ANNOTATION}app`]: 'docker/default', [`${CONTAINER_ANNOTATION}init`]: '' };
  assert.equal(outcome('seccompProfile_baseline', 'v1.18', spec(), { annotations }),
    `seccompProfile (forbidden annotations ${CONTAINER_ANNOTATION}init="", ${POD_ANNOTATION}="unconfined")`);
  const field = noPodSeccomp({ containers: [container('app', { seccompProfile: { type: 'Unconfined' } })] });
  assert.equal(outcome('seccompProfile_baseline', 'v1.18', field), 'allowed');
  assert.equal(outcome('seccompProfile_baseline', 'v1.19', field),
    'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")');
});

test('seccompProfile_baseline: unset, RuntimeDefault and Localhost pass from v1.19', () => {
  assert.equal(outcome('seccompProfile_baseline', 'latest', noPodSeccomp()), 'allowed');
  assert.equal(outcome('seccompProfile_baseline', 'latest',
    noPodSeccomp({ containers: [container('app', { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } })] })), 'allowed');
});

test('seccompProfile_restricted: a pod-level profile covers containers that set none', () => {
  assert.equal(outcome('seccompProfile_restricted', 'latest', spec()), 'allowed');
  assert.equal(outcome('seccompProfile_restricted', 'v1.18', spec()), 'absent');
});

test('seccompProfile_restricted: unset everywhere names the containers', () => {
  const pod = noPodSeccomp({ containers: [container('app'), container('side', { seccompProfile: { type: 'RuntimeDefault' } })] });
  assert.equal(outcome('seccompProfile_restricted', 'latest', pod),
    'seccompProfile (pod or containers "init", "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
});

test('seccompProfile_restricted: explicit bad types are reported before missing ones', () => {
  const pod = spec({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
    containers: [container('app', { seccompProfile: { type: 'Bogus' } })],
  });
  assert.equal(outcome('seccompProfile_restricted', 'latest', pod),
    'seccompProfile (pod and container "app" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined")');
});

test('seccompProfile_restricted: Windows pods are exempt from v1.25, and it replaces the baseline seccomp check', () => {
  const windows = noPodSeccomp({ os: { name: 'windows' }, containers: [container('app', { seccompProfile: { type: 'Unconfined' } })] });
  assert.match(outcome('seccompProfile_restricted', 'v1.24', windows), /^seccompProfile/);
  assert.equal(outcome('seccompProfile_restricted', 'v1.25', windows), 'allowed');
  const failing = (version: 'v1.18' | 'v1.19' | 'v1.25') =>
    evaluatePodSecurity({ level: 'restricted', version }, {}, windows).filter((r) => !r.allowed).map((r) => r.id);
  assert.ok(!failing('v1.18').includes('seccompProfile_baseline'), 'annotations-only baseline check ignores the field');
  assert.deepEqual(failing('v1.19').filter((id) => id.startsWith('seccomp')), ['seccompProfile_restricted']);
  assert.deepEqual(failing('v1.25').filter((id) => id.startsWith('seccomp')), []);
});
