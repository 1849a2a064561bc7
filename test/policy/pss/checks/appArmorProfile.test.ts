import { test } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcome, spec } from '../support.js';

const PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

test('appArmorProfile: RuntimeDefault, Localhost and allowed annotations pass', () => {
  const pod = spec({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'RuntimeDefault' } },
    containers: [container('app', { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-app' } })],
  });
  const annotations = { [`${PREFIX}a`]: 'runtime/default', [`${PREFIX}b`]: 'localhost/p', [`${PREFIX}c`]: '', other: 'x' };
  assert.equal(outcome('appArmorProfile', 'latest', pod, { annotations }), 'allowed');
});

test('appArmorProfile: Unconfined fields on pod and containers are forbidden', () => {
  const pod = spec({
    securityContext: { appArmorProfile: { type: 'Unconfined' } },
    initContainers: [container('init', { appArmorProfile: { type: 'Unconfined' } })],
  });
  assert.equal(outcome('appArmorProfile', 'latest', pod),
    'forbidden AppArmor profile (pod and container "init" must not set AppArmor profile type to "Unconfined")');
});

test('appArmorProfile: forbidden annotations are listed sorted and Go-quoted, at every version', () => {
  const annotations = { [`${PREFIX}f`]: 'unknown', [`${PREFIX}`]: 'bogus', [`${PREFIX}e`]: 'unconfined', [`${PREFIX}d`]: 'localhost/foo' };
  const expected = 'forbidden AppArmor profiles (annotations must not set AppArmor profile type to ' +
    `"${PREFIX}="bogus"", "${PREFIX}e="unconfined"", "${PREFIX}f="unknown"")`;
  assert.equal(outcome('appArmorProfile', 'v1.0', spec(), { annotations }), expected);
  assert.equal(outcome('appArmorProfile', 'latest', spec(), { annotations }), expected);
  assert.equal(outcome('appArmorProfile', 'latest', spec(), { annotations: { [`${PREFIX}app`]: 'a"b\n' } }),
    `forbidden AppArmor profile (annotation must not set AppArmor profile type to "${PREFIX}app="a\\"b\\n"")`);
});
