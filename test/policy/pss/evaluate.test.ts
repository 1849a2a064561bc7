import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePodSecurity, forbiddenSummary, formatForbidden } from '../../../src/policy/pss/evaluate.js';
import { container, spec } from './support.js';

test('evaluatePodSecurity: one verdict per active check, all allowed for a hardened pod', () => {
  const results = evaluatePodSecurity({ level: 'restricted', version: 'latest' }, { name: 'p' }, spec());
  assert.equal(results.length, 15);
  assert.ok(results.every((r) => r.allowed && r.reason === undefined));
});

test('evaluatePodSecurity: allowed verdicts are shared constants (no allocation per check)', () => {
  const a = evaluatePodSecurity({ level: 'baseline', version: 'latest' }, {}, spec());
  const b = evaluatePodSecurity({ level: 'baseline', version: 'v1.0' }, {}, spec());
  assert.equal(a.find((r) => r.id === 'privileged'), b.find((r) => r.id === 'privileged'));
  assert.ok(Object.isFrozen(a[0]));
});

test('evaluatePodSecurity: a careless pod gets PSA\'s message, in PSA\'s order', () => {
  const pod = { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }], volumes: [{ name: 'data', hostPath: { path: '/data' } }] };
  const results = evaluatePodSecurity({ level: 'restricted', version: 'latest' }, {}, pod);
  assert.equal(forbiddenSummary(results),
    'privileged (container "app" must not set securityContext.privileged=true), ' +
    'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
    'restricted volume types (volume "data" uses restricted volume type "hostPath"), ' +
    'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  const baseline = evaluatePodSecurity({ level: 'baseline', version: 'latest' }, {}, pod).filter((r) => !r.allowed);
  assert.deepEqual(baseline.map(formatForbidden), ['hostPath volumes (volume "data")', 'privileged (container "app" must not set securityContext.privileged=true)']);
});

test('evaluatePodSecurity: malformed shapes never crash and never read as safe', () => {
  for (const bad of [null, undefined, 'x', 42, [], { containers: 'nope', volumes: {}, securityContext: [] }, { containers: [null, 1, 'x'] }]) {
    assert.doesNotThrow(() => evaluatePodSecurity({ level: 'restricted', version: 'latest' }, bad, bad));
  }
  const wrongTypes = spec({ hostNetwork: 'yes', containers: [container('app', { allowPrivilegeEscalation: 'false', capabilities: { drop: 'ALL' } })] });
  const failing = evaluatePodSecurity({ level: 'restricted', version: 'latest' }, {}, wrongTypes).filter((r) => !r.allowed).map((r) => r.id);
  assert.deepEqual(failing, ['hostNamespaces', 'allowPrivilegeEscalation', 'capabilities_restricted']);
});

test('evaluatePodSecurity: versions newer than any check evaluate as latest', () => {
  const pod = spec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }] } });
  const at = (version: 'v1.36' | 'v1.99' | 'latest') =>
    evaluatePodSecurity({ level: 'baseline', version }, {}, pod).every((r) => r.allowed);
  assert.equal(at('v1.36'), false);
  assert.equal(at('v1.99'), true);
  assert.equal(at('latest'), true);
});

test('evaluatePodSecurity: structures where names belong print as their kind, even when cyclic', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const pod = { containers: [{ name: cyclic, securityContext: { privileged: true } }, { name: ['x'], securityContext: { privileged: true } }] };
  const privileged = evaluatePodSecurity({ level: 'baseline', version: 'latest' }, {}, pod).find((r) => r.id === 'privileged')!;
  assert.equal(formatForbidden(privileged), 'privileged (containers "<object>", "<list>" must not set securityContext.privileged=true)');
});
