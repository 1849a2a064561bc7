import { checkResources } from '../resources.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'resource-requests';

export const resourceRequests: BuiltinRule = {
  id: ID,
  severity: 'low',
  category: 'Resources',
  seed: '002',
  description: 'Without CPU and memory requests the scheduler packs pods blindly and noisy neighbours degrade each other.',
  remediation: 'Set resources.requests.cpu and resources.requests.memory on every container and init container (or pod-level spec.resources).',
  appliesTo: ['workload'],
  check: (subject) => (subject.type === 'workload' ? checkResources(ID, subject.pod, 'requests') : []),
};
