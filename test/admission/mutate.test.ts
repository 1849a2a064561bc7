// /mutate end to end: PSS-safe defaults come back as a base64 JSONPatch for pods and every workload kind, only when
// enabled, only where something is missing, and never for a pod's UPDATE (its spec is immutable).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PSS_DEFAULTS } from '../../src/admission/mutation/pss-defaults.js';
import { admit, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { baselineOnlySpec, restrictedSpec, workloads } from './support/workloads.js';

function decode(patch: string | undefined): { op: string; path: string; value: unknown }[] {
  return JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8')) as { op: string; path: string; value: unknown }[];
}

describe('mutating webhook', () => {
  let on: TestWebhook;
  let off: TestWebhook;
  before(async () => {
    on = await startTestWebhook({ settings: { mutationDefaults: new Set(PSS_DEFAULTS) } });
    off = await startTestWebhook({});
  });
  after(async () => {
    await on.close();
    await off.close();
  });

  it('returns a JSONPatch of the missing defaults for every workload kind', async () => {
    for (const object of workloads(baselineOnlySpec)) {
      const response = await admit(`${on.url}/mutate`, on.ca, reviewOf(object));
      assert.equal(response.allowed, true);
      assert.equal(response.patchType, 'JSONPatch', object.kind);
      const ops = decode(response.patch);
      assert.ok(ops.some((op) => op.path.endsWith('/automountServiceAccountToken') && op.value === false), object.kind);
      assert.ok(ops.some((op) => op.path.endsWith('/containers/0/securityContext')), object.kind);
      assert.equal(response.auditAnnotations?.mutations, 'automountServiceAccountToken,seccompProfile,allowPrivilegeEscalation,dropAllCapabilities');
    }
  });

  it('returns no patch when nothing is missing, or when mutation is not enabled', async () => {
    const compliant = workloads(() => ({ ...restrictedSpec(), automountServiceAccountToken: false }))[0]!;
    const done = await admit(`${on.url}/mutate`, on.ca, reviewOf(compliant));
    assert.equal(done.patch, undefined);
    const disabled = await admit(`${off.url}/mutate`, off.ca, reviewOf(workloads(baselineOnlySpec)[0]!));
    assert.deepEqual(Object.keys(disabled), ['uid', 'allowed']);
  });

  it('never patches a pod on UPDATE, but defaults a changed Deployment template', async () => {
    const [pod, deployment] = workloads(baselineOnlySpec);
    const podUpdate = await admit(`${on.url}/mutate`, on.ca, reviewOf(pod!, { operation: 'UPDATE', oldObject: pod! }));
    assert.equal(podUpdate.patch, undefined);
    const [, oldDeployment] = workloads(restrictedSpec);
    const changed = await admit(`${on.url}/mutate`, on.ca, reviewOf(deployment!, { operation: 'UPDATE', oldObject: oldDeployment! }));
    assert.ok(decode(changed.patch).every((op) => op.path.startsWith('/spec/template/spec/')));
    const scaled = structuredClone(deployment!);
    (scaled.spec as Record<string, unknown>).replicas = 5;
    const unchanged = await admit(`${on.url}/mutate`, on.ca, reviewOf(scaled, { operation: 'UPDATE', oldObject: deployment! }));
    assert.equal(unchanged.patch, undefined);
  });

  it('does not mutate DELETE requests', async () => {
    const response = await admit(`${on.url}/mutate`, on.ca, reviewOf(workloads(baselineOnlySpec)[0]!, { operation: 'DELETE' }));
    assert.equal(response.patch, undefined);
    assert.equal(response.allowed, true);
  });
});
