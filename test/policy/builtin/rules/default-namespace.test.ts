import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, ingress, outcomesOf, pod, service, workloads } from '../support.js';

describe('default-namespace', () => {
  const rule = 'default-namespace';

  it('fails workloads, Services and Ingresses in "default"', () => {
    for (const { object } of workloads(undefined, { namespace: 'default' })) {
      assert.deepEqual(outcomesOf(rule, object), [{ result: 'fail', message: `${object.kind} is in the "default" namespace` }]);
    }
    assert.equal(outcomesOf(rule, service({ type: 'ClusterIP' }, { namespace: 'default' }))[0]!.result, 'fail');
    assert.equal(outcomesOf(rule, ingress({}, { namespace: 'default' }))[0]!.result, 'fail');
  });

  it('passes another namespace', () => {
    assert.deepEqual(outcomesOf(rule, pod()), [{ result: 'pass', message: 'namespace is "shop"' }]);
  });

  it('passes a manifest without a namespace: it is chosen when applied', () => {
    assert.deepEqual(outcomesOf(rule, pod(undefined, { namespace: undefined })), [
      { result: 'pass', message: 'no namespace set; it is chosen when the manifest is applied' },
    ]);
  });

  it('uses the admission request namespace when the object has none', () => {
    const outcomes = evaluate(pod(undefined, { namespace: undefined }), {}, { namespace: 'default' }).filter((o) => o.rule === rule);
    assert.deepEqual(outcomes.map((o) => o.result), ['fail']);
  });
});
