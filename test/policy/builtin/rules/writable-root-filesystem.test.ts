import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { container, outcomesOf, pod, podSpec, workloads } from '../support.js';

describe('writable-root-filesystem', () => {
  const rule = 'writable-root-filesystem';

  it('passes read-only root filesystems', () => {
    assert.deepEqual(outcomesOf(rule, pod()), [{ result: 'pass', message: '1 container with a read-only root filesystem' }]);
  });

  it('fails containers of every kind that do not set it to true', () => {
    const spec = podSpec({
      initContainers: [container({ name: 'init', securityContext: { readOnlyRootFilesystem: false } })],
      containers: [container({ securityContext: undefined })],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1', securityContext: { readOnlyRootFilesystem: 'true' } }],
    });
    for (const { object, specPath } of workloads(spec)) {
      assert.deepEqual(outcomesOf(rule, object), [
        { result: 'fail', message: `container "init" (${specPath}.initContainers[0]) sets securityContext.readOnlyRootFilesystem: false` },
        { result: 'fail', message: `container "app" (${specPath}.containers[0]) does not set securityContext.readOnlyRootFilesystem: true` },
        { result: 'fail', message: `container "debug" (${specPath}.ephemeralContainers[0]) does not set securityContext.readOnlyRootFilesystem: true` },
      ], object.kind);
    }
  });

  it('ignores a pod-level securityContext, which has no such field', () => {
    const spec = podSpec({ securityContext: { readOnlyRootFilesystem: true }, containers: [container({ securityContext: {} })] });
    assert.equal(outcomesOf(rule, pod(spec))[0]!.result, 'fail');
  });

  it('skips Windows pods, which cannot set the field', () => {
    const spec = podSpec({ os: { name: 'windows' }, containers: [container({ securityContext: {} })] });
    assert.deepEqual(outcomesOf(rule, pod(spec)), [{ result: 'skip', message: 'spec.os.name is windows; Windows containers cannot set readOnlyRootFilesystem' }]);
  });
});
