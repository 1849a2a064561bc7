import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, outcomesOf, pod, service } from '../support.js';

const rule = 'service-exposed-without-source-ranges';

function outcome(spec: Record<string, unknown>, annotations?: Record<string, unknown>) {
  return evaluate(service(spec, annotations ? { annotations } : {})).filter((o) => o.rule === rule)
    .map(({ result, message, severity, properties }) => ({ result, message, severity, path: properties?.path }));
}

describe('service-exposed-without-source-ranges', () => {
  it('passes in-cluster Service types', () => {
    assert.deepEqual(outcomesOf(rule, service({ ports: [{ port: 80 }] })), [{ result: 'pass', message: 'type ClusterIP is not exposed outside the cluster' }]);
    assert.deepEqual(outcomesOf(rule, service({ type: 'ExternalName', externalName: 'db.example.com' })), [{ result: 'pass', message: 'type ExternalName is not exposed outside the cluster' }]);
  });

  it('fails a public LoadBalancer without source ranges at the rule severity', () => {
    assert.deepEqual(outcome({ type: 'LoadBalancer' }), [{
      result: 'fail', severity: undefined, path: 'spec.loadBalancerSourceRanges',
      message: 'type LoadBalancer has no spec.loadBalancerSourceRanges, so it is open to the internet',
    }]);
  });

  it('passes source ranges from the field or the annotation', () => {
    assert.deepEqual(outcome({ type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] }).map((o) => o.result), ['pass']);
    assert.deepEqual(outcome({ type: 'LoadBalancer' }, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, 192.168.0.0/16' }).map((o) => o.result), ['pass']);
  });

  it('fails ranges that admit any address', () => {
    assert.deepEqual(outcome({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', '0.0.0.0/0'] }), [{
      result: 'fail', severity: undefined, path: 'spec.loadBalancerSourceRanges',
      message: 'spec.loadBalancerSourceRanges includes 0.0.0.0/0, which admits any address, so it is open to the internet',
    }]);
    const annotation = 'service.beta.kubernetes.io/load-balancer-source-ranges';
    assert.deepEqual(outcome({ type: 'LoadBalancer' }, { [annotation]: '::/0' })[0]!.path, `metadata.annotations["${annotation}"]`);
  });

  it('lowers internal load balancers of the major clouds to low', () => {
    const internal: Record<string, unknown>[] = [
      { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' },
      { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
      { 'service.beta.kubernetes.io/azure-load-balancer-internal': true },
      { 'networking.gke.io/load-balancer-type': 'Internal' },
      { 'cloud.google.com/load-balancer-type': 'Internal' },
    ];
    for (const annotations of internal) {
      const [finding] = outcome({ type: 'LoadBalancer' }, annotations);
      assert.equal(finding!.result, 'fail');
      assert.equal(finding!.severity, 'low', JSON.stringify(annotations));
      assert.match(finding!.message, /the load balancer is internal \(.+\), so it is open to the whole private network$/);
    }
    assert.equal(outcome({ type: 'LoadBalancer' }, { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'false' })[0]!.severity, undefined);
  });

  it('fails NodePort at medium, naming the ports', () => {
    assert.deepEqual(outcome({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 443, nodePort: 30443 }] }), [{
      result: 'fail', severity: 'medium', path: 'spec.type',
      message: 'type NodePort opens port 30080, 30443 on every node\'s address; source ranges cannot restrict NodePort Services',
    }]);
    assert.match(outcome({ type: 'NodePort', ports: [{ port: 80 }] })[0]!.message, /^type NodePort opens a port on every node's address/);
  });

  it('fails externalIPs on any type', () => {
    assert.deepEqual(outcome({ type: 'ClusterIP', externalIPs: ['198.51.100.7'] }), [{
      result: 'fail', severity: 'medium', path: 'spec.externalIPs',
      message: 'spec.externalIPs routes traffic for 198.51.100.7 to the Service without any source restriction',
    }]);
  });

  it('does not apply to workloads', () => {
    assert.deepEqual(outcomesOf(rule, pod()), []);
  });
});
