// What Gatehouse answers when it could not judge a request (a policy threw, the deadline passed, an internal bug):
// the operator's failure policy decides, and the answer says plainly that this was Gatehouse failing, not the
// object violating a policy.
import { truncate, type AdmissionDecision } from './decision.js';

export type FailurePolicy = 'Fail' | 'Ignore';

export type FailureKind = 'deadline' | 'internal';

export interface Failure {
  kind: FailureKind;
  /** What went wrong, safe to show to the requester. */
  detail: string;
}

const MAX_DETAIL_CHARS = 1024;

export function failureDecision(failure: Failure, policy: FailurePolicy): AdmissionDecision {
  const what = failure.kind === 'deadline' ? 'did not finish evaluating policies before its deadline' : 'failed while evaluating policies';
  const detail = truncate(failure.detail, MAX_DETAIL_CHARS);
  if (policy === 'Ignore') {
    return {
      allowed: true,
      warnings: [truncate(`Gatehouse ${what}; the request was allowed unchecked by failurePolicy Ignore (${detail})`, 256)],
      auditAnnotations: { decision: 'failure-allowed', failure: `${failure.kind}: ${detail}` },
    };
  }
  return {
    allowed: false,
    status: {
      code: failure.kind === 'deadline' ? 504 : 500,
      reason: failure.kind === 'deadline' ? 'Timeout' : 'InternalError',
      message: `Gatehouse ${what}: ${detail}. This is a Gatehouse failure, not a policy violation; the request was denied by failurePolicy Fail`,
    },
    warnings: [],
    auditAnnotations: { decision: 'failure-denied', failure: `${failure.kind}: ${detail}` },
  };
}
