// When Gatehouse cannot judge a request — a policy throws, or the deadline passes — the failure policy answers, and
// the answer says it was a Gatehouse failure, not a policy violation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../src/policy/policy.js';
import { admit, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { restrictedSpec, workloads } from './support/workloads.js';

function policy(name: string, evaluate: Policy['evaluate']): Policy {
  return { name, rules: [{ id: 'r', severity: 'high', description: 'test rule' }], evaluate };
}

const busyWait = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

const broken = policy('broken', () => {
  throw new Error('expression ran out of cost budget');
});
const slow = policy('slow', () => {
  busyWait(300);
  return [{ rule: 'r', result: 'pass', message: 'ok' }];
});
const hanging = policy('hanging', () => new Promise(() => {}));

for (const failurePolicy of ['Fail', 'Ignore'] as const) {
  describe(`failurePolicy ${failurePolicy}`, () => {
    const hooks: Record<string, TestWebhook> = {};
    before(async () => {
      for (const p of [broken, slow, hanging]) {
        hooks[p.name] = await startTestWebhook({ settings: { failurePolicy, deadlineMs: 150 }, loadPolicies: async () => ({ podSecurity: [], builtin: [], declared: [p] }) });
      }
    });
    after(async () => {
      for (const hook of Object.values(hooks)) await hook.close();
    });

    const judge = (name: string) => admit(`${hooks[name]!.url}/validate`, hooks[name]!.ca, reviewOf(workloads(restrictedSpec)[0]!));

    for (const [name, kind, code] of [['broken', 'failed while evaluating policies', 500], ['slow', 'did not finish evaluating policies before its deadline', 504], ['hanging', 'did not finish evaluating policies before its deadline', 504]] as const) {
      it(`answers a ${name} policy per the failure policy`, async () => {
        const response = await judge(name);
        if (failurePolicy === 'Fail') {
          assert.equal(response.allowed, false);
          assert.equal(response.status?.code, code);
          assert.match(response.status!.message, new RegExp(`^Gatehouse ${kind}: `));
          assert.match(response.status!.message, /This is a Gatehouse failure, not a policy violation; the request was denied by failurePolicy Fail$/);
          assert.equal(response.auditAnnotations?.decision, 'failure-denied');
        } else {
          assert.equal(response.allowed, true);
          assert.equal(response.status, undefined);
          assert.match(response.warnings![0]!, new RegExp(`^Gatehouse ${kind}; the request was allowed unchecked by failurePolicy Ignore`));
          assert.equal(response.auditAnnotations?.decision, 'failure-allowed');
        }
        if (name === 'broken') assert.match(response.auditAnnotations!.failure!, /expression ran out of cost budget/);
      });
    }
  });
}
