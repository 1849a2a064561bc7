import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/kube/object.js';
import { createClusterPolicy, parseClusterPolicy } from '../../../src/policy/kyverno/cluster-policy.js';
import type { EvaluationInput, RuleOutcome } from '../../../src/policy/policy.js';

function clusterPolicy(rules: unknown[], annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}) {
  const parsed = parseClusterPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p', annotations }, spec: { validationFailureAction: 'Enforce', rules, ...spec } });
  if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
  return createClusterPolicy(parsed.value);
}

const hostNetwork = {
  name: 'no-host-network',
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { cel: { expressions: [{ expression: '!object.spec.?hostNetwork.orValue(false)', message: 'hostNetwork is not allowed' }] } },
};
const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps', ...metadata }, spec });
const evaluate = (p: ReturnType<typeof clusterPolicy>, input: Partial<EvaluationInput> & { object: KubeObject }) =>
  p.evaluate({ operation: 'CREATE', ...input }) as RuleOutcome[];

test('a validate.cel rule gives one outcome named after the rule, with the failure action', () => {
  const p = clusterPolicy([hostNetwork]);
  const [fail] = evaluate(p, { object: pod({ hostNetwork: true }) });
  assert.deepEqual([fail!.rule, fail!.result, fail!.message, fail!.properties?.failureAction], ['no-host-network', 'fail', 'hostNetwork is not allowed', 'Enforce']);
  assert.equal(evaluate(p, { object: pod({}) })[0]!.result, 'pass');
});

test('autogen-, autogen-cronjob- rules judge controllers; the annotation restricts or disables them', () => {
  const p = clusterPolicy([hostNetwork]);
  assert.deepEqual(p.rules.map((r) => r.id), ['no-host-network', 'autogen-no-host-network', 'autogen-cronjob-no-host-network']);
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'apps' }, spec: { template: { spec: { hostNetwork: true } } } };
  const cronjob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'apps' }, spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: true } } } } } };
  assert.deepEqual(evaluate(p, { object: deployment }).map((o) => [o.rule, o.result]), [['autogen-no-host-network', 'fail']]);
  assert.deepEqual(evaluate(p, { object: cronjob }).map((o) => [o.rule, o.result]), [['autogen-cronjob-no-host-network', 'fail']]);
  const onlyDeployments = clusterPolicy([hostNetwork], { 'pod-policies.kyverno.io/autogen-controllers': 'Deployment' });
  assert.equal(evaluate(onlyDeployments, { object: cronjob })[0]!.result, 'skip');
  const none = clusterPolicy([hostNetwork], { 'pod-policies.kyverno.io/autogen-controllers': 'none' });
  assert.equal(evaluate(none, { object: deployment })[0]!.result, 'skip');
  const named = clusterPolicy([{ ...hostNetwork, match: { any: [{ resources: { kinds: ['Pod'], names: ['web-*'] } }] } }]);
  assert.deepEqual(named.rules.map((r) => r.id), ['no-host-network'], 'names disable autogen');
});

test('match/exclude: any, all, names with wildcards, namespaces, selectors, operations, subjects, cluster roles', () => {
  const p = clusterPolicy([{
    ...hostNetwork,
    match: { all: [{ resources: { kinds: ['v1/Pod'], namespaces: ['app*'], operations: ['CREATE'], selector: { matchLabels: { tier: 'web' } } } }] },
    exclude: { any: [{ subjects: [{ kind: 'Group', name: 'system:masters' }] }, { clusterRoles: ['cluster-admin'] }, { resources: { names: ['legacy-?'] } }] },
  }], { 'pod-policies.kyverno.io/autogen-controllers': 'none' });
  const web = pod({ hostNetwork: true }, { labels: { tier: 'web' } });
  assert.equal(evaluate(p, { object: web })[0]!.result, 'fail');
  assert.equal(evaluate(p, { object: web, operation: 'UPDATE', oldObject: web })[0]!.result, 'skip');
  assert.equal(evaluate(p, { object: pod({ hostNetwork: true }) })[0]!.result, 'skip', 'selector');
  assert.equal(evaluate(p, { object: { ...web, metadata: { ...web.metadata, namespace: 'kube-system' } } })[0]!.result, 'skip', 'namespaces');
  assert.equal(evaluate(p, { object: web, userInfo: { username: 'alice', groups: ['system:masters'] } })[0]!.result, 'skip', 'subject');
  assert.equal(evaluate(p, { object: web, request: { clusterRoles: ['cluster-admin'] } })[0]!.result, 'skip', 'cluster role');
  assert.equal(evaluate(p, { object: { ...web, metadata: { ...web.metadata, name: 'legacy-1' } } })[0]!.result, 'skip', 'name wildcard');
});

test('celPreconditions false → skip for that rule', () => {
  const p = clusterPolicy([{ ...hostNetwork, celPreconditions: [{ name: 'labelled', expression: "has(object.metadata.labels) && 'enforce' in object.metadata.labels" }] }]);
  const [outcome] = evaluate(p, { object: pod({ hostNetwork: true }) });
  assert.deepEqual([outcome!.rule, outcome!.result], ['no-host-network', 'skip']);
});

test('JMESPath, mutate, generate and verifyImages rules are reported as unsupported by name, never passed', () => {
  const p = clusterPolicy([
    { name: 'pattern-rule', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: { spec: { hostNetwork: false } } } },
    { name: 'mutate-rule', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: {} } },
    hostNetwork,
  ]);
  const outcomes = evaluate(p, { object: pod({}) });
  assert.deepEqual(outcomes.map((o) => [o.rule, o.result, o.properties?.unsupported]), [
    ['pattern-rule', 'error', 'validate.pattern (JMESPath)'],
    ['mutate-rule', 'error', 'mutate'],
    ['no-host-network', 'pass', undefined],
  ]);
  assert.match(outcomes[0]!.message, /pattern-rule uses validate\.pattern/);
});

test('a Policy (namespaced) only judges its own namespace', () => {
  const parsed = parseClusterPolicy({ apiVersion: 'kyverno.io/v1', kind: 'Policy', metadata: { name: 'p', namespace: 'team-a' }, spec: { rules: [hostNetwork] } });
  assert.ok(parsed.ok);
  const p = createClusterPolicy(parsed.value);
  assert.equal((p.evaluate({ object: pod({ hostNetwork: true }, { namespace: 'team-b' }), operation: 'CREATE' }) as RuleOutcome[])[0]!.result, 'skip');
  assert.equal((p.evaluate({ object: pod({ hostNetwork: true }, { namespace: 'team-a' }), operation: 'CREATE' }) as RuleOutcome[])[0]!.result, 'fail');
});

test('bad rules name the field', () => {
  const parsed = parseClusterPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' },
    spec: { validationFailureAction: 'Block', rules: [{ name: 'r', match: { any: 'x' }, validate: { cel: { expressions: [] } } }] } });
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.deepEqual(parsed.errors, [
    'spec.validationFailureAction: must be Audit or Enforce',
    'spec.rules[0].match.any: must be a list',
    'spec.rules[0].validate.cel.expressions: at least one expression is required',
  ]);
});

test('background scans skip a rule set that reads request.userInfo, or spec.background: false', () => {
  assert.equal(clusterPolicy([hostNetwork]).background, true);
  assert.equal(clusterPolicy([hostNetwork], {}, { background: false }).background, false);
  const byUser = { ...hostNetwork, validate: { cel: { expressions: [{ expression: "request.userInfo.username.startsWith('system:')" }] } } };
  assert.equal(clusterPolicy([hostNetwork, byUser]).background, false);
});
