import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcomesOf, pathsOf, pod, podSpec, service, workloads } from '../support.js';

describe('automount-service-account-token', () => {
  const rule = 'automount-service-account-token';

  it('passes when the pod opts out', () => {
    assert.deepEqual(outcomesOf(rule, pod()), [{ result: 'pass', message: 'the service account token is not mounted' }]);
  });

  it('fails when automounting is left on or turned on, in every workload kind', () => {
    for (const { object, specPath } of workloads(podSpec({ automountServiceAccountToken: undefined }))) {
      assert.deepEqual(outcomesOf(rule, object), [{
        result: 'fail',
        message: `${specPath}.automountServiceAccountToken is not set, so every container gets the service account token (unless its ServiceAccount opts out)`,
      }], object.kind);
    }
    assert.deepEqual(outcomesOf(rule, pod(podSpec({ automountServiceAccountToken: true }))), [
      { result: 'fail', message: 'spec.automountServiceAccountToken is true, so every container gets the service account token' },
    ]);
  });

  it('fails for each container that mounts a projected API token, even with automounting off', () => {
    const spec = podSpec({
      volumes: [
        { name: 'vault-token', projected: { sources: [{ serviceAccountToken: { path: 't', audience: 'vault' } }] } },
        { name: 'api-token', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }, { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
      ],
      containers: [
        container({ volumeMounts: [{ name: 'vault-token', mountPath: '/v' }] }),
        container({ name: 'sidecar', volumeMounts: [{ name: 'other', mountPath: '/o' }, { name: 'api-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }),
      ],
    });
    assert.deepEqual(outcomesOf(rule, pod(spec)), [{
      result: 'fail',
      message: 'container "sidecar" (spec.containers[1]) mounts volume "api-token" (spec.volumes[1]), a projected service account token for the API server',
    }]);
    assert.deepEqual(pathsOf(rule, pod(spec)), ['spec.containers[1].volumeMounts[1]']);
  });

  it('treats the in-cluster API server audience like no audience', () => {
    const spec = podSpec({
      volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 't', audience: 'https://kubernetes.default.svc' } }] } }],
      initContainers: [container({ name: 'init', volumeMounts: [{ name: 't', mountPath: '/t' }] })],
    });
    assert.equal(outcomesOf(rule, pod(spec))[0]!.result, 'fail');
  });
});

describe('default-service-account', () => {
  const rule = 'default-service-account';

  it('passes a dedicated service account', () => {
    assert.deepEqual(outcomesOf(rule, pod()), [{ result: 'pass', message: 'the pod runs as service account "app"' }]);
    assert.equal(outcomesOf(rule, pod(podSpec({ serviceAccountName: undefined, serviceAccount: 'legacy' })))[0]!.result, 'pass');
  });

  it('fails when unset or "default", in every workload kind', () => {
    for (const { object, specPath } of workloads(podSpec({ serviceAccountName: undefined }))) {
      assert.deepEqual(outcomesOf(rule, object), [{ result: 'fail', message: `${specPath}.serviceAccountName is not set, so the pod runs as the namespace's "default" service account` }]);
    }
    assert.deepEqual(outcomesOf(rule, pod(podSpec({ serviceAccountName: 'default' }))), [
      { result: 'fail', message: 'spec.serviceAccountName is "default", the namespace\'s shared service account' },
    ]);
  });

  it('does not apply to a Service', () => {
    assert.deepEqual(outcomesOf(rule, service({ type: 'ClusterIP' })), []);
  });
});
