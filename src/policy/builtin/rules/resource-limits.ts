import { checkResources } from '../resources.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'resource-limits';

export const resourceLimits: BuiltinRule = {
  id: ID,
  severity: 'medium',
  category: 'Resources',
  seed: '002',
  description: 'A container without CPU and memory limits can consume a node\'s resources, by bug or by attack, and deny service to its neighbours.',
  remediation: 'Set resources.limits.cpu and resources.limits.memory on every container and init container (or pod-level spec.resources), and a LimitRange per namespace.',
  appliesTo: ['workload'],
  check: (subject) => (subject.type === 'workload' ? checkResources(ID, subject.pod, 'limits') : []),
};
