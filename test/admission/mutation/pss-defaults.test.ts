// PSS-safe defaults: what is filled, what is never overwritten, and idempotence checked by applying the patch with
// kubectl's JSON Patch implementation (evanphx/json-patch, the one the API server applies webhook patches with).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pssDefaults, PSS_DEFAULTS } from '../../../src/admission/mutation/pss-defaults.js';
import { pointer } from '../../../src/admission/mutation/json-patch.js';
import type { KubeObject } from '../../../src/kube/object.js';
import { createPodSecurityPolicy } from '../../../src/policy/pss/index.js';
import { baselineOnlySpec, workloads } from '../support/workloads.js';

const ALL = new Set(PSS_DEFAULTS);
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const noKubectl = kubectl.status === 0 ? false : 'kubectl is not installed; it provides the reference JSON Patch implementation';

/** Applies an RFC 6902 patch with `kubectl patch --local --type=json` (no cluster involved). */
function applyPatch(object: KubeObject, operations: unknown[]): KubeObject {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-patch-'));
  try {
    const file = join(dir, 'object.json');
    writeFileSync(file, JSON.stringify(object));
    const run = spawnSync('kubectl', ['patch', '--local', '-f', file, '--type=json', '-p', JSON.stringify(operations), '-o', 'json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as KubeObject;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PSS-safe defaults', () => {
  it('escapes JSON Pointer segments', () => {
    assert.equal(pointer(['metadata', 'annotations', 'a/b~c', 0, '-']), '/metadata/annotations/a~1b~0c/0/-');
  });

  it('makes a bare pod of every workload kind pass restricted (except runAsNonRoot, which needs a UID) and is idempotent', { skip: noKubectl }, () => {
    const restricted = createPodSecurityPolicy({ level: 'restricted', version: 'latest' });
    for (const object of workloads(baselineOnlySpec)) {
      const { operations, applied } = pssDefaults(object, ALL);
      assert.deepEqual(applied, ['automountServiceAccountToken', 'seccompProfile', 'allowPrivilegeEscalation', 'dropAllCapabilities'], object.kind);
      const patched = applyPatch(object, operations);
      const failed = (restricted.evaluate({ object: patched, operation: 'CREATE' }) as readonly { rule: string; result: string }[]).filter((o) => o.result === 'fail').map((o) => o.rule);
      assert.deepEqual(failed, ['runAsNonRoot'], object.kind);
      assert.deepEqual(pssDefaults(patched, ALL).operations, [], `${object.kind}: a second pass must change nothing`);
    }
  });

  it('fills only missing fields and never overrides an explicit choice', { skip: noKubectl }, () => {
    const pod: KubeObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: {
        automountServiceAccountToken: true,
        securityContext: { runAsUser: 1000, seccompProfile: { type: 'Localhost', localhostProfile: 'x.json' } },
        initContainers: [{ name: 'init', image: 'busybox', securityContext: { capabilities: { drop: ['NET_RAW'] } } }],
        containers: [
          { name: 'debug', image: 'busybox', securityContext: { privileged: true } },
          { name: 'admin', image: 'busybox', securityContext: { capabilities: { add: ['SYS_ADMIN'] }, runAsUser: 0 } },
          { name: 'app', image: 'app', securityContext: { allowPrivilegeEscalation: true, capabilities: {} } },
        ],
      },
    };
    const { operations } = pssDefaults(pod, ALL);
    const patched = applyPatch(pod, operations);
    const spec = patched.spec as Record<string, any>;
    assert.equal(spec.automountServiceAccountToken, true);
    assert.deepEqual(spec.securityContext.seccompProfile, { type: 'Localhost', localhostProfile: 'x.json' });
    assert.deepEqual(spec.initContainers[0].securityContext, { capabilities: { drop: ['NET_RAW', 'ALL'] }, allowPrivilegeEscalation: false, runAsNonRoot: true });
    // privileged and CAP_SYS_ADMIN imply escalation; the API server rejects allowPrivilegeEscalation=false with them.
    assert.equal(spec.containers[0].securityContext.allowPrivilegeEscalation, undefined);
    assert.equal(spec.containers[1].securityContext.allowPrivilegeEscalation, undefined);
    // runAsNonRoot only where the container already runs as a non-zero UID.
    assert.equal(spec.containers[1].securityContext.runAsNonRoot, undefined);
    assert.equal(spec.containers[0].securityContext.runAsNonRoot, true);
    assert.equal(spec.containers[2].securityContext.allowPrivilegeEscalation, true);
    assert.deepEqual(spec.containers[2].securityContext.capabilities, { drop: ['ALL'] });
    assert.deepEqual(pssDefaults(patched, ALL).operations, []);
  });

  it('sets no Linux-only fields on Windows pods', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w' }, spec: { os: { name: 'windows' }, containers: [{ name: 'c', image: 'iis' }] } };
    assert.deepEqual(pssDefaults(pod, ALL).operations, [{ op: 'add', path: '/spec/automountServiceAccountToken', value: false }]);
  });

  it('applies only the selected defaults and nothing to kinds without a pod template', () => {
    const [pod] = workloads(baselineOnlySpec);
    assert.deepEqual(pssDefaults(pod!, new Set(['seccompProfile'] as const)).operations, [{ op: 'add', path: '/spec/securityContext', value: { seccompProfile: { type: 'RuntimeDefault' } } }]);
    assert.deepEqual(pssDefaults({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, ALL), { operations: [], applied: [] });
  });

  it('keeps indexes right when a container list holds a malformed entry', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [null, { name: 'c', image: 'x' }] } };
    const paths = pssDefaults(pod, new Set(['allowPrivilegeEscalation'] as const)).operations.map((o) => o.path);
    assert.deepEqual(paths, ['/spec/containers/1/securityContext']);
  });
});
