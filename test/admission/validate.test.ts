// End to end over HTTPS: real AdmissionReview documents for pods and every workload controller, from several users.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../src/admission/config.js';
import { podSecurityParts } from '../../src/admission/policy-sources.js';
import type { UserInfo } from '../../src/policy/policy.js';
import { admit, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { baselineOnlySpec, privilegedSpec, restrictedSpec, workloads } from './support/workloads.js';

const USERS: UserInfo[] = [
  { username: 'alice@example.com', groups: ['developers', 'system:authenticated'] },
  { username: 'system:serviceaccount:kube-system:replicaset-controller', uid: 'b3c1', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  { username: 'github:org/app', groups: ['ci'], extra: { 'gatehouse.dev/repository': ['org/app'], 'gatehouse.dev/ref': ['refs/heads/main'] } },
];

describe('validating webhook (PSS baseline enforced, restricted warned)', () => {
  let webhook: TestWebhook;
  before(async () => {
    const settings = { ...DEFAULT_SETTINGS, podSecurity: { enforce: { level: 'baseline', version: 'latest' }, warn: { level: 'restricted', version: 'latest' } } } as const;
    webhook = await startTestWebhook({ settings, loadPolicies: async () => ({ podSecurity: podSecurityParts(settings), builtin: [], declared: [] }) });
  });
  after(() => webhook.close());

  for (const user of USERS) {
    it(`allows restricted-compliant pods and workloads from ${user.username}`, async () => {
      for (const object of workloads(restrictedSpec)) {
        const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(object, { userInfo: user }));
        assert.equal(response.allowed, true, `${object.kind}: ${JSON.stringify(response)}`);
        assert.equal(response.warnings, undefined, object.kind);
        assert.equal(response.auditAnnotations?.decision, 'allowed');
      }
    });

    it(`denies privileged pods and workloads from ${user.username} in Pod Security Admission's wording`, async () => {
      for (const object of workloads(privilegedSpec)) {
        const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(object, { userInfo: user }));
        assert.equal(response.allowed, false, object.kind);
        assert.equal(response.status?.code, 403);
        assert.equal(response.status?.reason, 'Forbidden');
        const resource = object.apiVersion.includes('/') ? `${`${object.kind.toLowerCase()}s`}.${object.apiVersion.split('/')[0]}` : `${object.kind.toLowerCase()}s`;
        assert.match(response.status!.message, new RegExp(`^${resource.replace('.', '\\.')} "web" is forbidden: violates PodSecurity "baseline:latest": `));
        assert.match(response.status!.message, /host namespaces \(hostNetwork=true\)/);
        assert.match(response.status!.message, /privileged \(container "app" must not set securityContext\.privileged=true\)/);
        assert.match(response.auditAnnotations!.violations!, /pod-security-baseline\//);
      }
    });
  }

  it('returns restricted-level violations as warnings while allowing a baseline-compliant pod', async () => {
    const [pod] = workloads(baselineOnlySpec);
    const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(pod!));
    assert.equal(response.allowed, true);
    assert.equal(response.warnings?.length, 1);
    assert.match(response.warnings![0]!, /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    assert.ok(response.warnings![0]!.length <= 256);
    assert.match(response.auditAnnotations!.warnings!, /pod-security-restricted-warn\//);
  });

  it('judges dry-run requests exactly like real ones', async () => {
    const [pod] = workloads(privilegedSpec);
    const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(pod!, { dryRun: true }));
    assert.equal(response.allowed, false);
    assert.match(response.status!.message, /violates PodSecurity/);
  });

  it('lets a DELETE of a non-compliant object through: deleting is not judged by pod content', async () => {
    const [pod, deployment] = workloads(privilegedSpec);
    for (const object of [pod!, deployment!]) {
      const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(object, { operation: 'DELETE' }));
      assert.equal(response.allowed, true, object.kind);
    }
  });

  it('lets metadata-only UPDATEs of objects admitted earlier through, and judges spec changes', async () => {
    const [oldPod] = workloads(privilegedSpec);
    const relabelled = structuredClone(oldPod!);
    relabelled.metadata.labels = { app: 'web', tier: 'front' };
    relabelled.metadata.finalizers = [];
    assert.equal((await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(relabelled, { operation: 'UPDATE', oldObject: oldPod! }))).allowed, true);

    const [, oldDeployment] = workloads(restrictedSpec);
    const [, newDeployment] = workloads(privilegedSpec);
    const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(newDeployment!, { operation: 'UPDATE', oldObject: oldDeployment! }));
    assert.equal(response.allowed, false);
  });

  it('does not judge status updates by content', async () => {
    const [pod] = workloads(privilegedSpec);
    const response = await admit(`${webhook.url}/validate`, webhook.ca, reviewOf(pod!, { operation: 'UPDATE', oldObject: workloads(restrictedSpec)[0]!, subResource: 'status' }));
    assert.equal(response.allowed, true);
  });

  it('records requests in /metrics by operation, kind and decision', async () => {
    const text = await webhook.server.registry.metrics();
    assert.match(text, /gatehouse_admission_requests_total\{webhook="validate",operation="CREATE",kind="Deployment",decision="denied"\} [1-9]/);
    assert.match(text, /gatehouse_admission_policy_evaluation_seconds_count\{policy="pod-security-baseline"\} [1-9]/);
    assert.match(text, /gatehouse_admission_request_duration_seconds_bucket/);
  });
});
