import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ingress, outcomesOf, pathsOf, pod, service, workloads } from '../support.js';

describe('required-labels', () => {
  const rule = 'required-labels';

  it('requires app.kubernetes.io/name by default and passes when present on object and template', () => {
    for (const { object } of workloads()) {
      assert.deepEqual(outcomesOf(rule, object), [{ result: 'pass', message: 'has the required labels (app.kubernetes.io/name)' }], object.kind);
    }
  });

  it('checks the object and, for controllers, the pod template', () => {
    const object = workloads(undefined, { labels: { team: 'shop' } })[1]!.object; // Deployment; its template keeps the default label
    assert.deepEqual(outcomesOf(rule, object, { requiredLabels: ['app.kubernetes.io/name', 'owner'] }), [
      { result: 'fail', message: 'label "app.kubernetes.io/name" is missing from metadata.labels' },
      { result: 'fail', message: 'label "owner" is missing from metadata.labels' },
      { result: 'fail', message: 'label "owner" is missing from spec.template.metadata.labels' },
    ]);
    const cronJob = workloads(undefined, { labels: { owner: 'x' } })[7]!.object;
    assert.deepEqual(pathsOf(rule, cronJob, { requiredLabels: ['owner'] }), ['spec.jobTemplate.spec.template.metadata.labels["owner"]']);
  });

  it('checks a Pod once, and treats an empty value as missing', () => {
    assert.deepEqual(outcomesOf(rule, pod(undefined, { labels: { owner: '' } }), { requiredLabels: ['owner'] }), [
      { result: 'fail', message: 'label "owner" is empty in metadata.labels' },
    ]);
  });

  it('applies to Services and Ingresses', () => {
    assert.equal(outcomesOf(rule, service({}, { labels: undefined }))[0]!.result, 'fail');
    assert.equal(outcomesOf(rule, ingress({}))[0]!.result, 'pass');
  });
});
