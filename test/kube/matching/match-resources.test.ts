import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesOf } from '../../../src/kube/matching/attributes.js';
import { matchesResources, parseMatchResources } from '../../../src/kube/matching/match-resources.js';
import { resourceOfObject } from '../../../src/kube/matching/resources.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' } }, spec: {} };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'prod' }, spec: {} };
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } };

function match(spec: unknown) {
  const parsed = parseMatchResources(spec, 'spec.matchConstraints');
  assert.deepEqual(parsed.errors, []);
  return parsed.match!;
}

test('resource rules match group, version, resource and operation; pods does not cover pods/status', () => {
  const m = match({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] });
  assert.equal(matchesResources(m, attributesOf({ object: pod, operation: 'CREATE' })), true);
  assert.equal(matchesResources(m, attributesOf({ object: pod, operation: 'UPDATE' })), false);
  assert.equal(matchesResources(m, attributesOf({ object: pod, operation: 'CREATE', subResource: 'status' })), false);
  assert.equal(matchesResources(m, attributesOf({ object: deployment, operation: 'CREATE' })), false);
  const sub = match({ resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['pods/*'], operations: ['*'] }] });
  assert.equal(matchesResources(sub, attributesOf({ object: pod, operation: 'CREATE', subResource: 'status' })), true);
});

test('excludeResourceRules win; scope and resourceNames narrow', () => {
  const m = match({
    resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'], scope: 'Namespaced' }],
    excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['*'] }],
  });
  assert.equal(matchesResources(m, attributesOf({ object: pod, operation: 'CREATE' })), true);
  assert.equal(matchesResources(m, attributesOf({ object: deployment, operation: 'CREATE' })), false);
  assert.equal(matchesResources(m, attributesOf({ object: namespace, operation: 'CREATE' })), false);
  const named = match({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['*'], resourceNames: ['db'] }] });
  assert.equal(matchesResources(named, attributesOf({ object: pod, operation: 'CREATE' })), false);
});

test('matchPolicy Equivalent covers the same resource in another group or version; Exact does not', () => {
  const old = { apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'x', namespace: 'a' } };
  const rule = { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE'] };
  assert.equal(matchesResources(match({ resourceRules: [rule] }), attributesOf({ object: old, operation: 'CREATE' })), true);
  assert.equal(matchesResources(match({ resourceRules: [rule], matchPolicy: 'Exact' }), attributesOf({ object: old, operation: 'CREATE' })), false);
});

test('namespaceSelector uses the namespace labels; objectSelector the object labels', () => {
  const m = match({ namespaceSelector: { matchLabels: { env: 'prod' } }, objectSelector: { matchLabels: { app: 'web' } } });
  const attrs = attributesOf({ object: pod, operation: 'CREATE', namespaceObject: namespace });
  assert.equal(matchesResources(m, attrs), true);
  assert.equal(matchesResources(m, attributesOf({ object: pod, operation: 'CREATE' })), false, 'an unknown namespace has no env label');
  const byName = match({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } });
  assert.equal(matchesResources(byName, attributesOf({ object: pod, operation: 'CREATE' })), true);
});

test('invalid match resources name the field', () => {
  assert.deepEqual(parseMatchResources({ resourceRules: [{ operations: ['PATCH'] }], matchPolicy: 'Loose' }, 'spec.matchConstraints').errors, [
    'spec.matchConstraints.resourceRules[0].operations: unknown operation "PATCH"',
    'spec.matchConstraints.matchPolicy: must be Exact or Equivalent',
  ]);
});

test('built-in kinds map to their resources; unknown kinds get the default plural', () => {
  assert.equal(resourceOfObject({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {} }).resource, 'ingresses');
  assert.equal(resourceOfObject({ apiVersion: 'v1', kind: 'Namespace', metadata: {} }).namespaced, false);
  const crd = resourceOfObject({ apiVersion: 'example.com/v1', kind: 'Policy', metadata: { namespace: 'a' } });
  assert.deepEqual([crd.resource, crd.known, crd.namespaced], ['policies', false, true]);
});

test('kinds and groups named like inherited object properties are not built in', () => {
  for (const [apiVersion, kind] of [['v1', 'constructor'], ['v1', 'toString'], ['constructor/v1', 'keys'], ['__proto__/v1', 'Pod']] as const) {
    const resource = resourceOfObject({ apiVersion, kind, metadata: { name: 'x', namespace: 'n' } });
    assert.equal(resource.known, false, `${apiVersion} ${kind}`);
    assert.equal(typeof resource.resource, 'string');
  }
});
