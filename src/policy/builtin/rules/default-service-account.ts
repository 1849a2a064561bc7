// Seed 001: the namespace's `default` service account is shared by every pod that names none, and permissions
// granted to it "to simplify some workflow" silently reach all of them.
import { failed, passed } from '../findings.js';
import type { BuiltinRule } from '../rule.js';

const ID = 'default-service-account';

export const defaultServiceAccount: BuiltinRule = {
  id: ID,
  severity: 'low',
  category: 'Identity',
  seed: '001',
  description: 'Pods should run as a service account of their own, not the shared "default" one that other workloads and grants accumulate on.',
  remediation: 'Create a ServiceAccount for the workload (with only the permissions it needs) and set spec.serviceAccountName.',
  appliesTo: ['workload'],
  check(subject) {
    if (subject.type !== 'workload') return [];
    const { spec, specPath } = subject.pod;
    // serviceAccount is the deprecated alias; the API server uses it only when serviceAccountName is empty.
    const name = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : spec.serviceAccount;
    const path = `${specPath}.serviceAccountName`;
    if (typeof name !== 'string' || name === '') {
      return failed(ID, [{ path, message: `${path} is not set, so the pod runs as the namespace's "default" service account` }]);
    }
    if (name === 'default') return failed(ID, [{ path, message: `${path} is "default", the namespace's shared service account` }]);
    return passed(ID, `the pod runs as service account "${name}"`);
  },
};
