import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/kube/object.js';
import { PolicyEngine } from '../../../src/policy/engine.js';
import { createPodSecurityPolicy } from '../../../src/policy/pss/policy.js';
import { container, spec } from './support.js';

const deployment = (podSpec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', ...(annotations ? { annotations } : {}) },
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
});

test('createPodSecurityPolicy: named by level, one rule per check with metadata', () => {
  const policy = createPodSecurityPolicy({ level: 'baseline', version: 'v1.33' });
  assert.equal(policy.name, 'pod-security-baseline');
  assert.ok(!policy.rules.some((r) => r.id === 'hostProbesAndHostLifecycle'), 'not in force at v1.33');
  const hostPath = policy.rules.find((r) => r.id === 'hostPathVolumes')!;
  assert.equal(hostPath.severity, 'critical');
  assert.equal(hostPath.category, 'Pod Security Standards');
  assert.match(hostPath.helpUri!, /^https:\/\/kubernetes\.io\/docs\/concepts\/security\/pod-security-standards\/#baseline$/);
  assert.ok(policy.rules.every((r) => r.description.length > 0 && r.remediation));
  const restricted = createPodSecurityPolicy({ level: 'restricted', version: 'latest' });
  assert.equal(restricted.name, 'pod-security-restricted');
  assert.equal(restricted.rules.find((r) => r.id === 'runAsNonRoot')!.severity, 'high');
  assert.equal(restricted.rules.find((r) => r.id === 'privileged')!.severity, 'critical');
});

test('createPodSecurityPolicy: one outcome per check for a pod template, fail messages in PSA style', async () => {
  const policy = createPodSecurityPolicy({ level: 'restricted', version: 'latest' });
  const outcomes = await policy.evaluate({ operation: 'CREATE', object: deployment(spec({ volumes: [{ name: 'data', hostPath: { path: '/srv' } }] })) });
  assert.equal(outcomes.length, policy.rules.length);
  const failed = outcomes.filter((o) => o.result === 'fail');
  assert.deepEqual(failed.map((o) => [o.rule, o.message]), [['restrictedVolumes', 'restricted volume types (volume "data" uses restricted volume type "hostPath")']]);
  assert.equal(failed[0]!.properties!.specPath, 'spec.template.spec');
  assert.ok(outcomes.filter((o) => o.result === 'pass').every((o) => o.message === 'allowed by restricted:latest'));
});

test('createPodSecurityPolicy: kinds without a pod template get exactly one skip', async () => {
  const policy = createPodSecurityPolicy({ level: 'baseline', version: 'latest' });
  const outcomes = await policy.evaluate({ operation: 'CREATE', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } });
  assert.deepEqual(outcomes, [{ rule: '*', result: 'skip', message: 'ConfigMap has no pod template; pod-security-baseline does not apply' }]);
});

test('createPodSecurityPolicy: a workload kind missing its template fails closed with an error', async () => {
  const policy = createPodSecurityPolicy({ level: 'baseline', version: 'latest' });
  const outcomes = await policy.evaluate({ operation: 'CREATE', object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: {} } });
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0]!.result, 'error');
  assert.equal(outcomes[0]!.rule, '*');
});

test('createPodSecurityPolicy: works through the engine, with exemptions and the default --fail-on high', async () => {
  const engine = new PolicyEngine([createPodSecurityPolicy({ level: 'baseline', version: 'latest' })]);
  const careless = deployment(spec({ hostPID: true, containers: [container('app', { capabilities: { add: ['NET_RAW'] } })] }));
  const results = await engine.evaluate({ operation: 'CREATE', object: careless, source: { file: 'web.yaml', line: 1 } });
  const failed = results.filter((r) => r.result === 'fail');
  assert.deepEqual(failed.map((r) => [r.rule, r.severity]), [['capabilities_baseline', 'high'], ['hostNamespaces', 'critical']]);
  assert.ok(failed.every((r) => r.policy === 'pod-security-baseline' && r.resource?.name === 'web' && r.source?.file === 'web.yaml'));

  const exempt = deployment(spec({ hostPID: true }), { 'gatehouse.dev/exempt': 'hostNamespaces', 'gatehouse.dev/justification': 'log shipper, SEC-42' });
  const exempted = (await engine.evaluate({ operation: 'CREATE', object: exempt })).find((r) => r.rule === 'hostNamespaces')!;
  assert.equal(exempted.result, 'skip');
  assert.equal(exempted.justification, 'log shipper, SEC-42');
});
