import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOWED, type PssCheck } from '../../../src/policy/pss/check.js';
import { PSS_REGISTRY } from '../../../src/policy/pss/evaluate.js';
import { PssRegistry } from '../../../src/policy/pss/registry.js';

const ids = (level: 'baseline' | 'restricted', minor: number) => PSS_REGISTRY.checksAt(level, minor).map((c) => c.info.id);

test('registry: latest is the newest version any check changed in (v1.37)', () => {
  assert.equal(PSS_REGISTRY.maxMinor, 37);
  assert.deepEqual(ids('restricted', 99), ids('restricted', 37));
});

test('registry: baseline at v1.0 has the eleven original controls in ID order', () => {
  assert.deepEqual(ids('baseline', 0), ['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts',
    'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess']);
});

test('registry: restricted at latest is baseline minus overrides, then restricted checks', () => {
  assert.deepEqual(ids('restricted', 37), ['appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged',
    'seLinuxOptions', 'sysctls', 'windowsHostProcess', 'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted',
    'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted']);
});

test('registry: restricted includes every baseline check that no restricted check replaces', () => {
  for (let minor = 0; minor <= 37; minor++) {
    const restricted = new Set(ids('restricted', minor));
    const replaced = PSS_REGISTRY.checksAt('restricted', minor).flatMap((c) => c.overrides);
    for (const id of ids('baseline', minor)) assert.ok(restricted.has(id) !== replaced.includes(id), `${id} at v1.${minor}`);
  }
});

test('registry: refuses inconsistent check sets', () => {
  const check = (over: Partial<PssCheck>): PssCheck => ({ id: 'x', level: 'baseline', severity: 'high', description: '', remediation: '',
    versions: [{ minVersion: 0, check: () => ALLOWED }], ...over });
  assert.throws(() => new PssRegistry([check({}), check({})]), /multiple/);
  assert.throws(() => new PssRegistry([check({ versions: [] })]), /no versions/);
  assert.throws(() => new PssRegistry([check({ versions: [{ minVersion: 2, check: () => ALLOWED }, { minVersion: 2, check: () => ALLOWED }] })]), /increasing/);
  assert.throws(() => new PssRegistry([check({ versions: [{ minVersion: 0, check: () => ALLOWED, overrides: ['y'] }] })]), /only restricted/);
  assert.throws(() => new PssRegistry([check({ level: 'restricted', versions: [{ minVersion: 0, check: () => ALLOWED, overrides: ['nope'] }] })]), /not a baseline/);
});
