// Finding the pod template of a Pod or controller, whatever kind a manifest claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasPodTemplate, podTemplateOf } from '../../src/kube/pod-template.js';

test('the pod spec of a Pod, a Deployment and a CronJob, with its path', () => {
  const spec = { containers: [{ name: 'a' }] };
  assert.equal(podTemplateOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec })?.specPath, 'spec');
  assert.equal(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } })?.specPath, 'spec.template.spec');
  assert.equal(podTemplateOf({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec } } } } })?.specPath, 'spec.jobTemplate.spec.template.spec');
});

test('kinds named like inherited object properties have no pod template', () => {
  for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const object = { apiVersion: 'v1', kind, metadata: { name: 'x' }, spec: { template: { spec: { containers: [] } } } };
    assert.equal(hasPodTemplate(object), false, kind);
    assert.equal(podTemplateOf(object), undefined, kind);
  }
});
