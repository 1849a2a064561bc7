// Exemption annotations at admission: the requester writes them, so they count only for members of
// `exemptions.groups`; anyone else's object is judged in full and told why its exemption was ignored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type AdmissionSettings } from '../../src/admission/config.js';
import { podSecurityParts } from '../../src/admission/policy-sources.js';
import type { KubeObject } from '../../src/kube/object.js';
import type { UserInfo } from '../../src/policy/policy.js';
import { admit, ALICE, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { privilegedSpec, workloads } from './support/workloads.js';

const ADMIN: UserInfo = { username: 'root@example.com', groups: ['platform-admins', 'system:authenticated'] };

function exemptPod(): KubeObject {
  const pod = workloads(privilegedSpec)[0]!;
  pod.metadata.annotations = { 'gatehouse.dev/exempt': 'pod-security-baseline', 'gatehouse.dev/justification': 'OPS-7: node debugging' };
  return pod;
}

async function webhookWith(exemptionGroups: string[]): Promise<TestWebhook> {
  const settings: AdmissionSettings = { ...DEFAULT_SETTINGS, podSecurity: { enforce: { level: 'baseline', version: 'latest' }, warn: null }, exemptionGroups: new Set(exemptionGroups) };
  return startTestWebhook({ settings, loadPolicies: async () => ({ podSecurity: podSecurityParts(settings), builtin: [], declared: [] }) });
}

describe('exemptions at admission', () => {
  let trusting: TestWebhook;
  let untrusting: TestWebhook;
  before(async () => {
    trusting = await webhookWith(['platform-admins']);
    untrusting = await webhookWith([]);
  });
  after(async () => {
    await trusting.close();
    await untrusting.close();
  });

  it('honours a justified exemption from a member of exemptions.groups', async () => {
    const response = await admit(`${trusting.url}/validate`, trusting.ca, reviewOf(exemptPod(), { userInfo: ADMIN }));
    assert.equal(response.allowed, true, response.status?.message);
    assert.equal(response.warnings, undefined);
  });

  it('judges anyone else\'s object in full and warns that the exemption was ignored', async () => {
    const response = await admit(`${trusting.url}/validate`, trusting.ca, reviewOf(exemptPod(), { userInfo: ALICE }));
    assert.equal(response.allowed, false);
    assert.match(response.status!.message, /violates PodSecurity "baseline:latest": .*privileged \(container "app"/);
    assert.deepEqual(response.warnings, ['gatehouse-exemptions/exemption-not-accepted: gatehouse.dev/exempt ("pod-security-baseline") is ignored: exemptions are not accepted from user "alice@example.com"; the object is judged in full']);
    assert.match(response.auditAnnotations!.warnings!, /gatehouse-exemptions\/exemption-not-accepted/);
  });

  it('accepts no exemption at all when no group is trusted with them', async () => {
    const response = await admit(`${untrusting.url}/validate`, untrusting.ca, reviewOf(exemptPod(), { userInfo: ADMIN }));
    assert.equal(response.allowed, false);
    assert.match(response.warnings![0]!, /is ignored: exemptions are not accepted from user "root@example\.com"/);
  });
});
