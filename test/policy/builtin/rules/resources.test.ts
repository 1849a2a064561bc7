import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcomesOf, pathsOf, pod, podSpec, workloads } from '../support.js';

describe('resource-requests and resource-limits', () => {
  it('pass when every container and init container sets both', () => {
    const spec = podSpec({ initContainers: [container({ name: 'init' })] });
    assert.deepEqual(outcomesOf('resource-requests', pod(spec)), [{ result: 'pass', message: '2 containers with CPU and memory requests' }]);
    assert.deepEqual(outcomesOf('resource-limits', pod(spec)), [{ result: 'pass', message: '2 containers with CPU and memory limits' }]);
  });

  it('report each missing resource per container, init containers included', () => {
    const spec = podSpec({
      initContainers: [container({ name: 'migrate', resources: { limits: { memory: '1Gi' } } })],
      containers: [container({ resources: { requests: { cpu: '1' } } })],
    });
    for (const { object, specPath } of workloads(spec)) {
      assert.deepEqual(outcomesOf('resource-limits', object), [
        { result: 'fail', message: `container "migrate" (${specPath}.initContainers[0]) has no CPU limit` },
        { result: 'fail', message: `container "app" (${specPath}.containers[0]) has no CPU limit` },
        { result: 'fail', message: `container "app" (${specPath}.containers[0]) has no memory limit` },
      ], object.kind);
      // The memory limit of "migrate" also counts as its memory request (the API server defaults it).
      assert.deepEqual(outcomesOf('resource-requests', object), [
        { result: 'fail', message: `container "migrate" (${specPath}.initContainers[0]) has no CPU request` },
        { result: 'fail', message: `container "app" (${specPath}.containers[0]) has no memory request` },
      ], object.kind);
    }
    assert.deepEqual(pathsOf('resource-limits', pod(spec)), [
      'spec.initContainers[0].resources.limits.cpu', 'spec.containers[0].resources.limits.cpu', 'spec.containers[0].resources.limits.memory',
    ]);
  });

  it('skip ephemeral containers, which cannot have resources', () => {
    const spec = podSpec({ ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }] });
    assert.equal(outcomesOf('resource-limits', pod(spec))[0]!.result, 'pass');
  });

  it('accept pod-level resources for every container', () => {
    const spec = podSpec({
      resources: { limits: { cpu: '2', memory: '1Gi' } },
      containers: [container({ resources: undefined }), container({ name: 'b', resources: {} })],
    });
    assert.equal(outcomesOf('resource-limits', pod(spec))[0]!.result, 'pass');
    assert.equal(outcomesOf('resource-requests', pod(spec))[0]!.result, 'pass');
  });

  it('treat empty or null quantities as missing', () => {
    const spec = podSpec({ containers: [container({ resources: { limits: { cpu: '', memory: null } } })] });
    assert.equal(outcomesOf('resource-limits', pod(spec)).filter((o) => o.result === 'fail').length, 2);
  });
});
