// Seed 001: "put the pod in its own dedicated namespace" — namespaces are the unit of RBAC, quotas and network
// policy, and `default` is where everything nobody thought about ends up.
// A manifest without a namespace passes: its namespace is chosen when it is applied (kubectl --namespace,
// helm --namespace). At admission the request's namespace is used, so the decision there is exact.
import { failed, passed } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'default-namespace';

export const defaultNamespace: BuiltinRule = {
  id: ID,
  severity: 'low',
  category: 'Isolation',
  seed: '001',
  description: 'Workloads belong in a namespace of their own, where RBAC, quotas and network policies can be scoped to them.',
  remediation: 'Set metadata.namespace to the application\'s namespace (or deploy with --namespace) instead of "default".',
  appliesTo: ['workload', 'service', 'ingress'],
  check(subject) {
    if (subject.namespace === 'default') {
      return failed(ID, [{ path: 'metadata.namespace', message: `${subject.object.kind} is in the "default" namespace` }]);
    }
    return passed(ID, subject.namespace ? `namespace is "${subject.namespace}"` : 'no namespace set; it is chosen when the manifest is applied');
  },
};
