// Client impersonation (`kubectl --as …`) is refused unless the operator enables it; then every part of the
// requested identity is checked with a SubjectAccessReview against the upstream, asking whether the *mapped* user
// may `impersonate` it — the same checks the API server makes (users or serviceaccounts, groups, uids, and
// userextras/<key> per value).
import type { UserInfo } from '../policy/policy.js';
import { callUpstreamJson } from './upstream-api.js';
import type { Upstream } from './upstream.js';

interface ResourceAttributes {
  verb: 'impersonate';
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name: string;
}

/** The impersonate permissions a requested identity needs, as the API server's impersonation filter derives them. */
export function impersonationChecks(target: UserInfo): ResourceAttributes[] {
  const checks: ResourceAttributes[] = [];
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(target.username);
  if (sa) checks.push({ verb: 'impersonate', resource: 'serviceaccounts', namespace: sa[1]!, name: sa[2]! });
  else checks.push({ verb: 'impersonate', resource: 'users', name: target.username });
  for (const group of target.groups ?? []) checks.push({ verb: 'impersonate', resource: 'groups', name: group });
  if (target.uid) checks.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: target.uid });
  for (const [key, values] of Object.entries(target.extra ?? {})) {
    for (const value of values) checks.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: value });
  }
  return checks;
}

export type ImpersonationVerdict = { allowed: true } | { allowed: false; reason: string };

export async function reviewImpersonation(upstream: Upstream, subject: UserInfo, target: UserInfo, timeoutMs: number): Promise<ImpersonationVerdict> {
  for (const attributes of impersonationChecks(target)) {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: subject.username, uid: subject.uid, groups: subject.groups ?? [], extra: subject.extra ?? {}, resourceAttributes: attributes },
    };
    const reply = await callUpstreamJson(upstream, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review, timeoutMs);
    const status = (reply.body as { status?: { allowed?: unknown } } | undefined)?.status;
    if (reply.status !== 201 && reply.status !== 200) throw new Error(`SubjectAccessReview failed with HTTP ${reply.status}`);
    if (status?.allowed !== true) {
      const what = attributes.subresource ? `${attributes.resource}/${attributes.subresource} "${attributes.name}"` : `${attributes.resource} "${attributes.name}"`;
      return { allowed: false, reason: `user "${subject.username}" cannot impersonate ${what}` };
    }
  }
  return { allowed: true };
}
