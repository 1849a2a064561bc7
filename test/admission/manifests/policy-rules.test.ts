// Webhook rules derived from the shipped policies: what they match beyond pods and workloads is sent to the webhook;
// what could stall the cluster, and kinds Gatehouse cannot map, are warnings instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rulesForPolicies } from '../../../src/admission/manifests/policy-rules.js';
import { COVERED_RESOURCES } from '../../../src/admission/manifests/webhooks.js';

const vap = (name: string, resourceRules: unknown[]) => JSON.stringify({
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name },
  spec: { matchConstraints: { resourceRules }, validations: [{ expression: 'true' }] },
});

test('resourceRules of ValidatingAdmissionPolicy and ValidatingPolicy become webhook rules; pods and workloads are already covered', () => {
  const files = {
    'services.yaml': vap('lb-source-ranges', [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'], resourceNames: ['x'] }]),
    'deployments.yaml': vap('replicas', [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }]),
    'vpol.yaml': JSON.stringify({
      apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'rbac' },
      spec: { matchConstraints: { resourceRules: [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['clusterrolebindings'], scope: 'Cluster' }] }, validations: [{ expression: 'true' }] },
    }),
  };
  const { rules, warnings } = rulesForPolicies(files, COVERED_RESOURCES);
  assert.deepEqual(warnings, []);
  assert.deepEqual(rules, [
    { operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['services'], scope: '*' },
    { operations: ['CREATE'], apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['clusterrolebindings'], scope: 'Cluster' },
  ]);
});

test('an operation the webhook does not receive yet still gets its rule (pod DELETE)', () => {
  const { rules } = rulesForPolicies({ 'p.yaml': vap('pod-delete', [{ apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['pods'] }]) }, COVERED_RESOURCES);
  assert.deepEqual(rules.map((r) => [r.operations, r.resources]), [[['DELETE'], ['pods']]]);
});

test('ClusterPolicy kinds map to their resources in every group that serves them, with subresources', () => {
  const policy = JSON.stringify({
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'k' },
    spec: { rules: [
      { name: 'a', match: { any: [{ resources: { kinds: ['Service', 'networking.k8s.io/v1/Ingress', 'Pod/exec'], operations: ['CONNECT', 'CREATE'] } }] } },
      { name: 'b', match: { resources: { kinds: ['ConfigMap'] } } },
    ] },
  });
  const { rules, warnings } = rulesForPolicies({ 'k.yaml': policy }, COVERED_RESOURCES);
  assert.deepEqual(warnings, []);
  assert.deepEqual(rules.map((r) => `${r.operations.join('+')} ${r.apiGroups[0]}/${r.apiVersions[0]}/${r.resources[0]} ${r.scope}`), [
    'CONNECT+CREATE /*/services Namespaced',
    'CONNECT+CREATE networking.k8s.io/v1/ingresses Namespaced',
    'CONNECT+CREATE /*/pods/exec Namespaced',
    'CREATE+UPDATE /*/configmaps Namespaced',
  ]);
});

test('every resource, leases, events and nodes, and unknown kinds are warnings, not rules', () => {
  const files = {
    'all.yaml': vap('everything', [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE'], resources: ['*'] }]),
    'leases.yaml': vap('leases', [{ apiGroups: ['coordination.k8s.io'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['leases'] }]),
    'events.yaml': vap('events', [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE'], resources: ['events'] }]),
    'crd.yaml': JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'crd' }, spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Widget', 'Node'] } }] } }] } }),
  };
  const { rules, warnings } = rulesForPolicies(files, COVERED_RESOURCES);
  assert.deepEqual(rules, []);
  assert.equal(warnings.length, 5, warnings.join('\n'));
  assert.match(warnings[0]!, /^all\.yaml: ValidatingAdmissionPolicy\/everything: matches \*\/\*; no webhook rule/);
  assert.match(warnings.join('\n'), /leases\.yaml: .*coordination\.k8s\.io\/leases/);
  assert.match(warnings.join('\n'), /crd\.yaml: ClusterPolicy\/crd: kind Widget is not a resource Gatehouse knows/);
  assert.match(warnings.join('\n'), /crd\.yaml: .*core\/nodes/);
});
