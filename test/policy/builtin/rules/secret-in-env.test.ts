import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcomesOf, pathsOf, pod, podSpec, workloads } from '../support.js';

describe('secret-in-env', () => {
  const rule = 'secret-in-env';

  it('passes plain values, ConfigMap references and Secrets mounted as files', () => {
    const spec = podSpec({
      volumes: [{ name: 'db', secret: { secretName: 'db' } }],
      containers: [container({
        env: [{ name: 'MODE', value: 'prod' }, { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level' } } }],
        envFrom: [{ configMapRef: { name: 'cfg' } }],
        volumeMounts: [{ name: 'db', mountPath: '/secrets/db', readOnly: true }],
      })],
    });
    assert.deepEqual(outcomesOf(rule, pod(spec)), [{ result: 'pass', message: 'no Secret is exposed as an environment variable' }]);
  });

  it('fails secretKeyRef and envFrom secretRef in every container kind', () => {
    const spec = podSpec({
      initContainers: [container({ name: 'migrate', envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'db' } }] })],
      containers: [container({ env: [{ name: 'MODE', value: 'x' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] })],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1', env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'token', key: 't' } } }] }],
    });
    for (const { object, specPath } of workloads(spec)) {
      assert.deepEqual(outcomesOf(rule, object), [
        { result: 'fail', message: `container "migrate" (${specPath}.initContainers[0]) imports every key of Secret "db" as environment variables` },
        { result: 'fail', message: `container "app" (${specPath}.containers[0]) sets environment variable "DB_PASSWORD" from key "password" of Secret "db"` },
        { result: 'fail', message: `container "debug" (${specPath}.ephemeralContainers[0]) sets environment variable "T" from key "t" of Secret "token"` },
      ], object.kind);
    }
    assert.deepEqual(pathsOf(rule, pod(spec)), [
      'spec.initContainers[0].envFrom[1].secretRef', 'spec.containers[0].env[1].valueFrom.secretKeyRef', 'spec.ephemeralContainers[0].env[0].valueFrom.secretKeyRef',
    ]);
  });
});
